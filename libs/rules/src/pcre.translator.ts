import { RuleKeywordUnsupportedError, RuleOptionInvalidError } from './rule-parse.errors';
import type { BufferName } from './rule.types';

/** pcre modifier letters that select an HTTP buffer (Suricata's names). */
const BUFFER_FLAGS: Readonly<Record<string, BufferName>> = {
  U: 'http_uri',
  I: 'http_raw_uri',
  M: 'http_method',
  H: 'http_header',
  D: 'http_raw_header',
  C: 'http_cookie',
  P: 'http_client_body',
  V: 'http_user_agent',
  W: 'http_host',
  S: 'http_stat_code',
};

/** Flags for buffers we do not provide (response side, raw host, file data) or semantics JS lacks. */
const UNSUPPORTED_FLAGS: Readonly<Record<string, string>> = {
  Y: 'http stat msg buffer',
  B: 'http raw body (B) buffer',
  Z: 'http raw host buffer',
  Q: 'file_data buffer',
  K: 'this buffer flag',
  G: 'ungreedy (G) matching',
};

export interface TranslatedPcre {
  regex: RegExp;
  negated: boolean;
  relative: boolean;
  buffer: BufferName | null;
}

/**
 * `"[!]/re/flags"` to a JS RegExp compiled once. PCRE constructs JavaScript does not have are
 * reported as unsupported rather than approximated: possessive quantifiers, atomic groups,
 * recursion, conditionals, \A \Z \z \G \K \Q…\E, \x{…}, inline option settings.
 */
export function translatePcre(value: string, decoded: string, negated: boolean): TranslatedPcre {
  const m = /^\/([\s\S]*)\/([A-Za-z]*)$/.exec(decoded);
  if (!m) throw new RuleOptionInvalidError('pcre', value, 'expected "/regex/flags"');
  let [, body] = m;
  const flags = m[2];
  let jsFlags = '';
  let relative = false;
  let anchored = false;
  let buffer: BufferName | null = null;
  for (const f of flags) {
    if (f === 'i' || f === 's' || f === 'm') {
      if (!jsFlags.includes(f)) jsFlags += f;
    } else if (f === 'x') body = stripExtended(body);
    else if (f === 'R') relative = true;
    else if (f === 'A') anchored = true;
    else if (f === 'E' || f === 'O') {
      // E: JS `$` already ignores a trailing newline; O: match-limit override, no limits here.
    } else if (BUFFER_FLAGS[f] !== undefined) {
      if (buffer !== null && buffer !== BUFFER_FLAGS[f]) throw new RuleKeywordUnsupportedError('pcre', value, 'two buffer flags');
      buffer = BUFFER_FLAGS[f];
    } else if (UNSUPPORTED_FLAGS[f] !== undefined) {
      throw new RuleKeywordUnsupportedError('pcre', value, `flag ${f} (${UNSUPPORTED_FLAGS[f]})`);
    } else throw new RuleOptionInvalidError('pcre', value, `unknown flag '${f}'`);
  }
  const unsupported = findUnsupportedConstruct(body);
  if (unsupported !== null) throw new RuleKeywordUnsupportedError('pcre', value, `${unsupported} has no JavaScript equivalent`);
  body = body.replace(/\(\?P</g, '(?<');
  let regex: RegExp;
  try {
    // Sticky ('y') implements PCRE's A (anchored at the start of the inspected window).
    regex = new RegExp(body, jsFlags + (anchored ? 'y' : 'g'));
  } catch (e) {
    throw new RuleKeywordUnsupportedError('pcre', value, `not a valid JavaScript regular expression (${(e as Error).message})`);
  }
  return { regex, negated, relative, buffer };
}

function findUnsupportedConstruct(body: string): string | null {
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const e = body[i + 1];
      if (!inClass && e !== undefined && 'AZzGKQE'.includes(e)) return `\\${e}`;
      if (e === 'x' && body[i + 2] === '{') return '\\x{...}';
      if (e === 'h' || e === 'H' || e === 'R' || e === 'X' || e === 'C') return `\\${e}`;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      if (c === '[' && body[i + 1] === ':') return 'POSIX class [:...:]';
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A leading ']' (or '^]') is a literal in the class.
      if (body[i + 1] === ']') i++;
      else if (body[i + 1] === '^' && body[i + 2] === ']') i += 2;
      continue;
    }
    if (c === '(' && body[i + 1] === '?') {
      const rest = body.slice(i + 2);
      if (rest.startsWith('>')) return 'atomic group (?>...)';
      if (rest.startsWith('(')) return 'conditional (?(...)';
      if (/^(R|\d|[+-]\d|&|P>)/.test(rest)) return 'recursion (?R)';
      if (rest.startsWith('#')) return 'comment (?#...)';
      if (/^[a-zA-Z^-]+[):]/.test(rest) && !rest.startsWith('P<')) return 'inline option (?i)';
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && body[i + 1] === '+') {
      // `a?+` etc. is possessive; the first char must itself be a quantifier, not an escaped literal.
      return 'possessive quantifier';
    }
  }
  return null;
}

/** PCRE's x flag: drop unescaped whitespace and #-comments outside character classes. */
function stripExtended(body: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      out += c + (body[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < body.length && body[i] !== '\n') i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}
