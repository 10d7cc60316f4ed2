import { RuleOptionInvalidError } from './rule-parse.errors';
import type { RuleVariables } from './rule-variables';

/**
 * The list grammar shared by addresses and ports, variables expanded:
 *   expr := '!' expr | '[' expr (',' expr)* ']' | '$' NAME | atom
 */
export type ListExpression =
  | { kind: 'atom'; text: string }
  | { kind: 'list'; items: ListExpression[] }
  | { kind: 'not'; inner: ListExpression };

export function parseListExpression(text: string, vars: RuleVariables, what: string): ListExpression {
  const fail = (detail: string): never => {
    throw new RuleOptionInvalidError(what, text, detail);
  };
  // Each variable value is parsed on its own (own cursor); `seen` guards against cycles.
  const parseWhole = (input: string, seen: ReadonlySet<string>): ListExpression => {
    const s = input.replace(/\s+/g, '');
    let pos = 0;
    const parseExpr = (): ListExpression => {
      if (s[pos] === '!') {
        pos++;
        return { kind: 'not', inner: parseExpr() };
      }
      if (s[pos] === '[') {
        pos++;
        const items: ListExpression[] = [];
        for (;;) {
          items.push(parseExpr());
          if (s[pos] === ',') pos++;
          else if (s[pos] === ']') {
            pos++;
            return { kind: 'list', items };
          } else fail(pos >= s.length ? 'unterminated [list]' : `unexpected '${s[pos]}'`);
        }
      }
      const token = (/^\$?[A-Za-z0-9_.:/-]*/.exec(s.slice(pos)) as RegExpExecArray)[0];
      if (token === '' || token === '$') fail(pos >= s.length ? 'empty value' : `unexpected '${s[pos]}'`);
      pos += token.length;
      if (!token.startsWith('$')) return { kind: 'atom', text: token };
      const name = token.slice(1);
      const value = vars[name];
      if (value === undefined) return fail(`unknown variable $${name}`);
      if (seen.has(name)) fail(`variable $${name} refers to itself`);
      return parseWhole(value, new Set([...seen, name]));
    };
    const expr = parseExpr();
    if (pos !== s.length) fail(`unexpected '${s.slice(pos)}'`);
    return expr;
  };
  return parseWhole(text, new Set());
}

/**
 * A list matches when it matches one of its positive items (or has none) and none of its
 * negated ones — Suricata's reading of `[10.0.0.0/8,!10.1.0.0/16]`.
 */
export function compileListExpression<T>(
  expr: ListExpression,
  atom: (text: string) => (value: T) => boolean,
): (value: T) => boolean {
  if (expr.kind === 'atom') return atom(expr.text);
  if (expr.kind === 'not') {
    const inner = compileListExpression(expr.inner, atom);
    return (v) => !inner(v);
  }
  const positives = expr.items.filter((i) => i.kind !== 'not').map((i) => compileListExpression(i, atom));
  const negatives = expr.items
    .filter((i): i is Extract<ListExpression, { kind: 'not' }> => i.kind === 'not')
    .map((i) => compileListExpression(i.inner, atom));
  return (v) => (positives.length === 0 || positives.some((p) => p(v))) && !negatives.some((n) => n(v));
}
