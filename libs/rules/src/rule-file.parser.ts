import { RuleProblemError } from './rule-parse.errors';
import { parseRule } from './rule.parser';
import { resolveVariables, type RuleVariables } from './rule-variables';
import type { Rule, RuleParseError } from './rule.types';

export interface ParseRuleFileOptions {
  /** Named in every error and kept on every rule. */
  file: string;
  /** Overrides of DEFAULT_RULE_VARIABLES (and extra variables). */
  vars?: Partial<RuleVariables>;
}

export interface ParsedRuleFile {
  rules: Rule[];
  errors: RuleParseError[];
}

/** One logical rule: physical lines joined at a trailing `\`, numbered by its first line. */
function* logicalLines(text: string): Generator<{ line: number; text: string }> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let current = lines[i];
    while (/\\\s*$/.test(current) && i + 1 < lines.length) {
      current = current.replace(/\\\s*$/, '') + lines[++i];
    }
    yield { line: first, text: current.trim() };
  }
}

function sidOf(text: string): number | undefined {
  const m = /[(;]\s*sid\s*:\s*(\d+)\s*[;)]/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses a rules file. A rule that is not fully understood is never returned: it becomes an
 * error naming the file, line, sid (when readable) and the keyword at fault.
 */
export function parseRuleFile(text: string, options: ParseRuleFileOptions): ParsedRuleFile {
  const vars = resolveVariables(options.vars);
  const rules: Rule[] = [];
  const errors: RuleParseError[] = [];
  const seen = new Map<string, number>();
  for (const { line, text: ruleText } of logicalLines(text)) {
    if (ruleText === '' || ruleText.startsWith('#')) continue;
    const sid = sidOf(ruleText);
    const report = (code: RuleParseError['code'], reason: string): void => {
      errors.push(sid === undefined ? { file: options.file, line, reason, code } : { file: options.file, line, sid, reason, code });
    };
    let rule: Rule;
    try {
      rule = parseRule(ruleText, vars, options.file, line);
    } catch (e) {
      if (!(e instanceof RuleProblemError)) throw e;
      report(e.code, e.message);
      continue;
    }
    const key = `${rule.gid}:${rule.sid}`;
    const firstLine = seen.get(key);
    if (firstLine !== undefined) {
      report('RULE_SID_DUPLICATE', `duplicate sid ${rule.sid} (gid ${rule.gid}), first defined on line ${firstLine}`);
      continue;
    }
    seen.set(key, line);
    rules.push(rule);
  }
  return { rules, errors };
}
