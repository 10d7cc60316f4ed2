import { RuleSyntaxError } from './rule-parse.errors';

export interface RawOption {
  keyword: string;
  /** Text after the first unescaped ':', trimmed; null for a bare keyword. */
  value: string | null;
}

/**
 * Splits the text between the parentheses on unescaped `;` (Suricata does not honour quotes
 * here: a `;` inside a quoted value must be written `\;`). The last option may omit its `;`.
 */
export function tokenizeOptions(body: string): RawOption[] {
  const out: RawOption[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      current += c + body[i + 1];
      i++;
    } else if (c === ';') {
      out.push(splitOption(current));
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') out.push(splitOption(current));
  return out;
}

function splitOption(text: string): RawOption {
  const t = text.trim();
  if (t === '') throw new RuleSyntaxError(text, 'empty option (stray ;)');
  const colon = t.indexOf(':');
  const keyword = (colon < 0 ? t : t.slice(0, colon)).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(keyword)) throw new RuleSyntaxError(t, `bad keyword '${keyword}'`);
  return { keyword, value: colon < 0 ? null : t.slice(colon + 1).trim() };
}
