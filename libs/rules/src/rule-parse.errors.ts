import type { RuleParseErrorCode } from './rule.types';

/** Thrown while parsing one rule; the file parser turns it into a RuleParseError record. */
export abstract class RuleProblemError extends Error {
  abstract readonly code: RuleParseErrorCode;
  readonly retriable = false;
  constructor(
    /** The text (keyword value, header field) that caused it. */
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The rule does not follow the rule grammar (header, parentheses, option separators). */
export class RuleSyntaxError extends RuleProblemError {
  readonly code = 'RULE_SYNTAX' as const;
}

/** A keyword, value form or modifier combination this engine does not implement. */
export class RuleKeywordUnsupportedError extends RuleProblemError {
  readonly code = 'RULE_KEYWORD_UNSUPPORTED' as const;
  constructor(
    readonly keyword: string,
    input: string,
    detail?: string,
  ) {
    super(input, detail === undefined ? `unsupported keyword '${keyword}'` : `unsupported ${keyword}: ${detail}`);
  }
}

/** A known keyword with a value it does not accept. */
export class RuleOptionInvalidError extends RuleProblemError {
  readonly code = 'RULE_OPTION_INVALID' as const;
  constructor(
    readonly keyword: string,
    input: string,
    detail: string,
  ) {
    super(input, `invalid ${keyword}: ${detail}`);
  }
}
