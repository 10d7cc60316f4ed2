// Generated content-rule sets for the signature benchmark: N rules of
//   alert tcp any any -> any any (msg:"bench content N"; content:"..."; [nocase;] sid:N; rev:1;)
// with 6-20 byte patterns that look like what rule sets search for (URI pieces, header values,
// shell and SQL fragments), so the automaton walks the same prefixes the traffic has. A small
// fraction of the rules use an INDICATOR, a string the workload generator plants in the traffic,
// so matches happen; the others end in a random suffix and (almost) never occur.
//
// Pure and deterministic: the same count and seed give the same text.
import { prng } from '../bench-capture.generator';

/** Strings the workload puts into some payloads (requests, response bodies, syslog lines). */
export const INDICATORS: readonly string[] = [
  '/wp-login.php', 'union+select', 'sqlmap/1.7.2', 'cmd.exe /c', '/etc/passwd', 'eval(base64_',
  'powershell -enc', '/cgi-bin/test.cgi', '../../../../', 'xp_cmdshell', '<script>alert(', 'Nikto/2.5.0',
  'wget -qO- http', '/phpmyadmin/', 'javascript+eval', '/.git/config', 'masscan/1.3', '/bin/sh -i',
  'select+sleep(', '/actuator/env', '/jndi/ldap/', 'DROP TABLE', 'zgrab/0.x', '/.env HTTP',
  'nc -e /bin/sh', 'curl -s http', 'UNION ALL SELECT', '/shell.php', 'document.cookie', 'onerror=alert',
  'failed password for', 'invalid user admin', 'segfault at 0', 'authentication fail', 'Possible SYN flood',
  'session opened for', 'OUT OF MEMORY', 'sudo root TTY', 'POSSIBLE BREAK-IN', 'refused connect from',
];

/** Indicators that the workload puts into UDP (syslog) payloads; the rest go into HTTP. */
export const UDP_INDICATORS: readonly string[] = INDICATORS.slice(30);

/** Beginnings of the never-matching patterns: prefixes that do occur in web and syslog traffic. */
const PREFIXES: readonly string[] = [
  '/admin/', '/api/v', '.php?id=', 'GET /', 'POST /', 'Mozilla/5.0 (', 'User-Agent', 'Host', 'Cookie',
  'session=', 'token=', 'password=', 'select ', '<script', 'Content-Type', 'text/html', 'HTTP/1.', '/static/',
  'application/', '<div class=', "href='/", 'charset=', 'cmd=', '/bin/', 'sshd[', 'kernel', 'CRON[',
  'user=', '.js?v=', '.css', "id='", 'json', 'login', 'upload', 'download', '/images/', 'auth',
];

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789_-';

export interface GeneratedRule {
  sid: number;
  /** Pattern text (printable ASCII, none of `" ; \\ | :` nor newlines). */
  pattern: string;
  nocase: boolean;
  /** True when the pattern is one of INDICATORS (planted in the traffic). */
  indicator: boolean;
  protocol: 'tcp' | 'udp';
}

export interface GeneratedRuleSet {
  rules: GeneratedRule[];
  /** The rules file. */
  text: string;
  /** grep's PATTERNS file: one pattern per line, as written (grep -F has no per-pattern nocase). */
  patterns: string;
}

export const SIGNATURE_RULES_SEED = 20261121;
export const FIRST_SID = 9_800_000;

/** Rules that use an indicator: 1 %, at least one, at most all of INDICATORS. */
export function indicatorCount(count: number): number {
  return Math.min(INDICATORS.length, Math.max(1, Math.ceil(count * 0.01)));
}

/** Flips the case of some letters, as rule writers do for nocase contents. */
function mixCase(text: string, random: () => number): string {
  return [...text].map((c) => (random() < 0.3 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
}

export function generateRuleSet(count: number, seed: number = SIGNATURE_RULES_SEED): GeneratedRuleSet {
  if (!Number.isInteger(count) || count < 1) throw new Error(`rule count must be a positive integer, got ${count}`);
  const random = prng(seed ^ count);
  const int = (n: number) => Math.floor(random() * n);
  const k = indicatorCount(count);
  // Indicators spread evenly over the file, not bunched at its start.
  const indicatorAt = new Map<number, number>();
  for (let j = 0; j < k; j++) indicatorAt.set(Math.floor(((j + 0.5) * count) / k), j);
  // Indicators taken in a seeded order, so small sets get both HTTP and syslog ones.
  const order = INDICATORS.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 61) - ((b * 7919 + seed) % 61) || a - b);
  const seen = new Set<string>();
  const rules: GeneratedRule[] = [];
  for (let i = 0; i < count; i++) {
    const sid = FIRST_SID + i;
    const j = indicatorAt.get(i);
    if (j !== undefined) {
      const pattern = INDICATORS[order[j]];
      seen.add(pattern);
      rules.push({ sid, pattern, nocase: false, indicator: true, protocol: UDP_INDICATORS.includes(pattern) ? 'udp' : 'tcp' });
      continue;
    }
    let pattern = '';
    do {
      const length = 6 + int(15);
      const prefix = PREFIXES[int(PREFIXES.length)].slice(0, length - 4);
      let suffix = '';
      while (prefix.length + suffix.length < length) suffix += SUFFIX_ALPHABET[int(SUFFIX_ALPHABET.length)];
      pattern = prefix + suffix;
    } while (seen.has(pattern));
    seen.add(pattern);
    const nocase = random() < 0.25;
    rules.push({ sid, pattern: nocase ? mixCase(pattern, random) : pattern, nocase, indicator: false, protocol: random() < 0.1 ? 'udp' : 'tcp' });
  }
  const text = rules.map((r) => `alert ${r.protocol} any any -> any any (msg:"bench content ${r.sid - FIRST_SID}"; content:"${r.pattern}";${r.nocase ? ' nocase;' : ''} sid:${r.sid}; rev:1;)`).join('\n') + '\n';
  const patterns = rules.map((r) => r.pattern).join('\n') + '\n';
  return { rules, text, patterns };
}

/** Buffers the HTTP rules of `--http-rules` read, in turn (the one response buffer included). */
export const HTTP_RULE_BUFFERS: readonly string[] = ['http.uri', 'http.user_agent', 'http.header', 'http.cookie', 'http.host', 'http.stat_code'];
/** First sid of the HTTP rules: after any content rule set's sids. */
export const FIRST_HTTP_SID = FIRST_SID + 100_000;

/**
 * `count` rules reading HTTP buffers, appended to a content rule set by `--http-rules`: with them
 * the engine reassembles TCP and parses every request and response, as a real rule set makes it
 * do (the content sets alone need no HTTP parsing). Their contents never occur in the workload
 * (a random suffix), so they add parsing and buffer building, not alerts.
 */
export function generateHttpRules(count: number, seed: number = SIGNATURE_RULES_SEED): string {
  if (!Number.isInteger(count) || count < 0) throw new Error(`HTTP rule count must be a non-negative integer, got ${count}`);
  const random = prng(seed ^ (count + 0x5eed));
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const buffer = HTTP_RULE_BUFFERS[i % HTTP_RULE_BUFFERS.length];
    let suffix = '';
    while (suffix.length < 8) suffix += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)];
    const content = buffer === 'http.stat_code' ? `9${String(i % 100).padStart(2, '0')}` : `zq-${suffix}`;
    lines.push(`alert http any any -> any any (msg:"bench http ${i}"; ${buffer}; content:"${content}"; sid:${FIRST_HTTP_SID + i}; rev:1;)`);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
