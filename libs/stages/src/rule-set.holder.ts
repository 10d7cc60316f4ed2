import { SignatureEngine, type SignatureEngineOptions } from '@ids/detection';
import type { Rule, RuleParseError } from '@ids/rules';
import { formatRuleError, loadSignatureRules, type LoadSignatureRulesOptions, type LoadedSignatureRules, type SignatureRuleSource } from './signatures.stage';

/** One loaded rule set; `version` starts at 1 and grows by one on each applied reload. */
export interface RuleSet {
  readonly version: number;
  readonly rules: readonly Rule[];
  /** Rules skipped when this set loaded (each `file:line: reason` via formatRuleError). */
  readonly errors: readonly RuleParseError[];
  readonly files: readonly string[];
}

/**
 * `applied`: the new set serves from the next packet on. `unchanged`: same rule texts in the same
 * order, nothing swapped (engine state kept). `rejected`: the reload is broken, the previous set
 * keeps serving.
 */
export type RuleReloadOutcome = 'applied' | 'unchanged' | 'rejected';

export interface RuleReloadResult {
  outcome: RuleReloadOutcome;
  /** The serving version after the reload. */
  version: number;
  /** Every problem of the new load, `file:line: reason`; for `rejected` the cause comes first. */
  errors: string[];
  /** Why a reload was rejected (absent otherwise). */
  reason?: string;
}

export interface RuleSetHolderOptions extends LoadSignatureRulesOptions {
  /** Options of each engine the holder builds (and of the probe engine that checks a new set). */
  engine?: SignatureEngineOptions;
  /**
   * Throws when the engine cannot run a rule set. Default: builds a SignatureEngine (its
   * constructor validates threshold specs and patterns), a cost paid once per reload.
   */
  probe?: (rules: readonly Rule[]) => void;
}

/**
 * The signatures stage's current rule set, shared by all its tasks, and its hot reload.
 *
 * A reload reads the path again with loadSignatureRules (same policy as at start: a rule that
 * does not parse, or repeats a sid, is reported and skipped) and then decides:
 *
 * - **rejected** (previous set kept) when
 *   1. the path or one of its files cannot be read (SignatureRulesUnreadableError);
 *   2. a rule of the serving set (by gid:sid) is missing from the new set and the new load has an
 *      error that names its sid, or an error without a sid (the sid itself did not parse) in the
 *      rule's file that the serving set's load did not have: a rule that worked now fails, which is
 *      an edit in progress or a mistake, never a wish to drop the rule;
 *   3. the engine refuses the new set (`probe`: by default a SignatureEngine is built once per
 *      reload; its constructor validates threshold specs and patterns, which the parser already
 *      checks, so this is a second line).
 * - **unchanged** when the rule texts, in order, are those serving: nothing is swapped, so the
 *   engines keep their flow, stream and threshold state (a SIGHUP with no edit costs nothing).
 * - **applied** otherwise, including when rules were deleted (without an error naming them), when a
 *   new rule does not parse (skipped and reported), or when a new rule repeats a serving sid (the
 *   later one skipped, as at start).
 *
 * The processors notice `version` changing and build their engine again from `current.rules`.
 */
export class RuleSetHolder implements SignatureRuleSource {
  private set: RuleSet;
  private fingerprint: string;

  constructor(private readonly path: string, private readonly options: RuleSetHolderOptions = {}) {
    const loaded = this.load();
    this.probe(loaded.rules);
    this.set = { version: 1, ...loaded };
    this.fingerprint = fingerprintOf(loaded.rules);
  }

  get current(): RuleSet {
    return this.set;
  }

  get version(): number {
    return this.set.version;
  }

  get rules(): readonly Rule[] {
    return this.set.rules;
  }

  reload(): RuleReloadResult {
    const version = this.set.version;
    let loaded: LoadedSignatureRules;
    try {
      loaded = this.load();
    } catch (e) {
      return { outcome: 'rejected', version, errors: [(e as Error).message], reason: (e as Error).message };
    }
    const errors = loaded.errors.map(formatRuleError);
    const regressed = this.regressions(loaded);
    if (regressed.length > 0) {
      const reason = `${regressed.length} rule(s) of the serving set no longer load: ${regressed.map(formatRuleError).join('; ')}`;
      const causes = regressed.map(formatRuleError);
      return { outcome: 'rejected', version, errors: [...causes, ...errors.filter((e) => !causes.includes(e))], reason };
    }
    const fingerprint = fingerprintOf(loaded.rules);
    if (fingerprint === this.fingerprint) return { outcome: 'unchanged', version, errors };
    try {
      this.probe(loaded.rules);
    } catch (e) {
      const reason = `the engine refuses the new rule set: ${(e as Error).message}`;
      return { outcome: 'rejected', version, errors: [reason, ...errors], reason };
    }
    this.set = { version: version + 1, ...loaded };
    this.fingerprint = fingerprint;
    return { outcome: 'applied', version: version + 1, errors };
  }

  private probe(rules: readonly Rule[]): void {
    if (this.options.probe) this.options.probe(rules);
    else new SignatureEngine(rules, this.options.engine);
  }

  private load(): LoadedSignatureRules {
    return loadSignatureRules(this.path, { vars: this.options.vars });
  }

  /** The new load's errors that stand for a serving rule lost (see the class comment, point 2). */
  private regressions(loaded: LoadedSignatureRules): RuleParseError[] {
    const kept = new Set(loaded.rules.map(ruleId));
    const lost = this.set.rules.filter((r) => !kept.has(ruleId(r)));
    if (lost.length === 0) return [];
    const known = new Set(this.set.errors.filter((e) => e.sid === undefined).map(sidlessKey));
    return loaded.errors.filter((e) => e.sid === undefined
      ? !known.has(sidlessKey(e)) && lost.some((r) => r.file === e.file)
      : lost.some((r) => r.sid === e.sid));
  }
}

const ruleId = (r: Rule): string => `${r.gid}:${r.sid}`;
// line numbers move with every edit above the error: file, code and reason identify it
const sidlessKey = (e: RuleParseError): string => `${e.file}\0${e.code}\0${e.reason}`;
const fingerprintOf = (rules: readonly Rule[]): string => rules.map((r) => `${r.file}\0${r.text}`).join('\n');
