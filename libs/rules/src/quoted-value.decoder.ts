import { RuleOptionInvalidError } from './rule-parse.errors';

/**
 * Strips an optional leading `!` and the surrounding quotes of a keyword value, and decodes the
 * escapes the rule language allows inside quotes: `\;` `\"` `\\` `\:`. Suricata refuses any other
 * backslash, and a bare `"` inside the quotes.
 */
export function decodeQuotedValue(
  keyword: string,
  raw: string,
  allowNegation: boolean,
  /** false for pcre: its backslashes belong to the regex (`\;` and `\"` mean the same there). */
  unescape = true,
): { text: string; negated: boolean } {
  let value = raw.trim();
  let negated = false;
  if (value.startsWith('!')) {
    if (!allowNegation) throw new RuleOptionInvalidError(keyword, raw, 'negation not allowed');
    negated = true;
    value = value.slice(1).trim();
  }
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) {
    throw new RuleOptionInvalidError(keyword, raw, 'value must be in double quotes');
  }
  const body = value.slice(1, -1);
  let text = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') throw new RuleOptionInvalidError(keyword, raw, 'unescaped " inside the value');
    if (c !== '\\') {
      text += c;
      continue;
    }
    const next = body[i + 1];
    if (!unescape && next !== undefined) {
      text += c + next;
      i++;
      continue;
    }
    if (next === undefined || !';"\\:'.includes(next)) {
      throw new RuleOptionInvalidError(keyword, raw, `bad escape '\\${next ?? ''}'`);
    }
    text += next;
    i++;
  }
  return { text, negated };
}

/** Content text to bytes: `|41 42|` is hex (spaces ignored), everything else is latin1. */
export function decodeContentBytes(text: string, raw: string): Uint8Array {
  const out: number[] = [];
  let inHex = false;
  let hex = '';
  for (const c of text) {
    if (c === '|') {
      if (inHex) {
        if (hex.length % 2 !== 0) throw new RuleOptionInvalidError('content', raw, 'odd number of hex digits');
        for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
        hex = '';
      }
      inHex = !inHex;
    } else if (inHex) {
      if (c === ' ') continue;
      if (!/[0-9a-fA-F]/.test(c)) throw new RuleOptionInvalidError('content', raw, `bad hex digit '${c}'`);
      hex += c;
    } else {
      const code = c.codePointAt(0) as number;
      if (code > 0xff) throw new RuleOptionInvalidError('content', raw, 'non-latin1 character, use |hex|');
      out.push(code);
    }
  }
  if (inHex) throw new RuleOptionInvalidError('content', raw, 'unterminated |hex|');
  if (out.length === 0) throw new RuleOptionInvalidError('content', raw, 'empty content');
  return Uint8Array.from(out);
}
