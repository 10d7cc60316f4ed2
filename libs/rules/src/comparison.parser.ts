import { RuleOptionInvalidError } from './rule-parse.errors';
import type { Comparison } from './rule.types';

/**
 * `n`, `=n`, `!n`, `!=n`, `<n`, `<=n`, `>n`, `>=n`, and the exclusive ranges `a<>b` / `a-b`
 * (Suricata's unsigned-integer keyword syntax, shared by dsize, ttl, itype, icode, urilen).
 */
export function parseComparison(keyword: string, raw: string, max: number): Comparison {
  const value = raw.trim();
  const fail = (detail: string): never => {
    throw new RuleOptionInvalidError(keyword, raw, detail);
  };
  const num = (s: string): number => {
    if (!/^\d+$/.test(s)) fail(`'${s}' is not a number`);
    const n = Number(s);
    if (n > max) fail(`${n} exceeds ${max}`);
    return n;
  };
  const range = /^(\d+)\s*(?:<>|-)\s*(\d+)$/.exec(value);
  if (range) {
    const lo = num(range[1]);
    const hi = num(range[2]);
    if (lo >= hi) fail('range minimum must be below its maximum');
    return { op: '<>', value: lo, max: hi };
  }
  const op = /^(<=|>=|!=|<|>|=|!)?\s*(.*)$/.exec(value) as RegExpExecArray;
  const operator = op[1] === undefined || op[1] === '=' ? '=' : op[1] === '!' ? '!=' : (op[1] as Comparison['op']);
  if (op[2] === '') fail('missing number');
  return { op: operator, value: num(op[2]), max: 0 };
}

export function compare(c: Comparison, x: number): boolean {
  switch (c.op) {
    case '=':
      return x === c.value;
    case '!=':
      return x !== c.value;
    case '<':
      return x < c.value;
    case '<=':
      return x <= c.value;
    case '>':
      return x > c.value;
    case '>=':
      return x >= c.value;
    case '<>':
      return x > c.value && x < c.max;
  }
}
