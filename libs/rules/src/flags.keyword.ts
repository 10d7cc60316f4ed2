import type { KeywordHandlers } from './keyword.handler';
import { RuleOptionInvalidError } from './rule-parse.errors';
import type { FlagsOption } from './rule.types';

/** 1 and 2 are Snort's names for the two formerly reserved bits, CWR and ECE. */
const BITS: Readonly<Record<string, number>> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32, E: 64, '2': 64, C: 128, '1': 128 };

function bitsOf(letters: string, raw: string): number {
  let bits = 0;
  for (const l of letters.toUpperCase()) {
    const bit = BITS[l];
    if (bit === undefined) throw new RuleOptionInvalidError('flags', raw, `unknown flag '${l}'`);
    if (bits & bit) throw new RuleOptionInvalidError('flags', raw, `flag '${l}' twice`);
    bits |= bit;
  }
  return bits;
}

/** `[+*!]FLAGS[+*]?[,MASK]`, or `0` for no flags set. */
export function parseFlags(value: string): FlagsOption {
  const [spec, maskText, ...rest] = value.split(',').map((s) => s.trim());
  if (rest.length > 0 || spec === '') throw new RuleOptionInvalidError('flags', value, 'expected FLAGS[,MASK]');
  const m = /^([+*!]?)([A-Za-z0-9]+)([+*!]?)$/.exec(spec);
  if (!m || (m[1] !== '' && m[3] !== '')) throw new RuleOptionInvalidError('flags', value, `bad flags '${spec}'`);
  const mod = m[1] || m[3];
  const modifier: FlagsOption['modifier'] = mod === '' ? 'exact' : (mod as FlagsOption['modifier']);
  let flags = 0;
  if (m[2] === '0') {
    if (modifier !== 'exact') throw new RuleOptionInvalidError('flags', value, "'0' takes no modifier");
  } else flags = bitsOf(m[2], value);
  const mask = maskText === undefined ? 0 : bitsOf(maskText, value);
  return { kind: 'flags', flags, mask, modifier };
}

export function flagsMatch(o: FlagsOption, tcpFlags: number): boolean {
  const f = tcpFlags & ~o.mask & 0xff;
  switch (o.modifier) {
    case 'exact':
      return f === o.flags;
    case '+':
      return (f & o.flags) === o.flags;
    case '*':
      return (f & o.flags) !== 0;
    case '!':
      // Suricata's reading: not all of the named bits are set.
      return (f & o.flags) !== o.flags;
  }
}

export const FLAGS_KEYWORDS: KeywordHandlers = {
  flags: (value, b) => {
    b.once('flags', value);
    b.options.push(parseFlags(value ?? ''));
  },
};
