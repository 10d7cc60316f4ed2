import { compileListExpression, parseListExpression } from './list-expression.parser';
import { RuleOptionInvalidError } from './rule-parse.errors';
import type { PortSet } from './rule.types';
import type { RuleVariables } from './rule-variables';

function compileAtom(text: string, whole: string): (port: number) => boolean {
  if (text === 'any') return () => true;
  // n, a:b, a:, :b — inclusive bounds.
  const m = /^(\d{1,5})?(:)?(\d{1,5})?$/.exec(text);
  const lo = m?.[1] === undefined ? 0 : Number(m[1]);
  const hi = m?.[3] === undefined ? (m?.[2] ? 65535 : lo) : Number(m[3]);
  if (!m || (m[1] === undefined && m[3] === undefined) || (m[2] === undefined && m[3] !== undefined)) {
    throw new RuleOptionInvalidError('port', whole, `bad port '${text}'`);
  }
  if (hi > 65535 || lo > hi) throw new RuleOptionInvalidError('port', whole, `bad port range '${text}'`);
  return (port) => port >= lo && port <= hi;
}

export function parsePortSet(text: string, vars: RuleVariables): PortSet {
  const expr = parseListExpression(text, vars, 'port');
  if (expr.kind === 'not' && expr.inner.kind === 'atom' && expr.inner.text === 'any') {
    throw new RuleOptionInvalidError('port', text, 'matches no port');
  }
  const matcher = compileListExpression<number>(expr, (atom) => compileAtom(atom, text));
  return { text, matches: matcher };
}
