import type { RuleBuilder } from './rule.builder';

/** Reads one option's value (null for a bare keyword such as `nocase`) into the builder, or throws. */
export type KeywordHandler = (value: string | null, builder: RuleBuilder) => void;

export type KeywordHandlers = Readonly<Record<string, KeywordHandler>>;
