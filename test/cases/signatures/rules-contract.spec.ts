// The shipped rule set keeps the alert contract: one sid range with a sub-range per family,
// standard classtypes, metadata naming the family and a kebab-case label, only the keywords the
// project's engine will implement, and every attack family of seed 003 §3.1.2 covered.
import { parseOptions, readShippedRules, type ShippedRule } from './shipped-rules';

const SID_RANGES: Record<string, [number, number]> = {
  dos: [9200000, 9200999],
  scan: [9201000, 9201999],
  web: [9202000, 9202999],
  bruteforce: [9203000, 9203999],
};
const FILE_OF_FAMILY: Record<string, string> = { dos: 'dos.rules', scan: 'scan.rules', web: 'web.rules', bruteforce: 'bruteforce.rules' };

/** Seed 003 §3.1.2, one label per attack pattern. */
const LABELS: Record<string, string[]> = {
  dos: ['dns-amplification', 'icmp-flood', 'slowloris', 'syn-flood', 'udp-flood'],
  scan: ['fin-scan', 'null-scan', 'syn-scan', 'tcp-connect-scan', 'xmas-scan'],
  web: ['command-injection', 'file-inclusion', 'path-traversal', 'sqli', 'xss'],
  bruteforce: ['ftp-bruteforce', 'http-auth-bruteforce', 'rdp-bruteforce', 'ssh-bruteforce'],
};

const CLASSTYPES = new Set(['attempted-dos', 'attempted-recon', 'web-application-attack', 'attempted-user', 'attempted-admin', 'successful-recon-limited', 'denial-of-service']);
const KEYWORDS = new Set([
  'msg', 'sid', 'rev', 'classtype', 'metadata', 'content', 'nocase', 'offset', 'depth', 'distance', 'within', 'fast_pattern', 'pcre', 'flow',
  'flags', 'dsize', 'itype', 'icode', 'ttl', 'ip_proto', 'urilen', 'threshold', 'detection_filter', 'flowbits',
  'http.uri', 'http.uri.raw', 'http.request_body', 'http.header', 'http.stat_code', 'http.method', 'http.user_agent',
]);
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'ip', 'http']);

describe('rules/*.rules', () => {
  const rules = readShippedRules();
  const where = (r: ShippedRule) => `${r.file}:${r.line} sid ${r.sid}`;

  it('are alert rules over the protocols the engine has', () => {
    expect(rules.length).toBeGreaterThanOrEqual(19);
    for (const r of rules) expect({ where: where(r), action: r.action, proto: PROTOCOLS.has(r.proto) }).toEqual({ where: where(r), action: 'alert', proto: true });
  });

  it('have unique sids inside their family sub-range, in the family file', () => {
    expect(new Set(rules.map((r) => r.sid)).size).toBe(rules.length);
    for (const r of rules) {
      const family = r.metadata.family;
      const [low, high] = SID_RANGES[family] ?? [NaN, NaN];
      expect({ where: where(r), inRange: r.sid >= low && r.sid <= high, file: r.file }).toEqual({ where: where(r), inRange: true, file: FILE_OF_FAMILY[family] });
    }
  });

  it('carry msg, rev, a standard classtype and metadata family and kebab-case label', () => {
    for (const r of rules) {
      const value = (k: string) => r.options.find((o) => o.keyword === k)?.value;
      expect({
        where: where(r),
        msg: /^"IDS [A-Z]+ .+"$/.test(value('msg') ?? ''),
        rev: /^\d+$/.test(value('rev') ?? ''),
        classtype: CLASSTYPES.has(value('classtype') ?? ''),
        label: /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(r.metadata.label ?? '') && LABELS[r.metadata.family]?.includes(r.metadata.label),
      }).toEqual({ where: where(r), msg: true, rev: true, classtype: true, label: true });
    }
  });

  it('use only the common keywords the engine implements', () => {
    for (const r of rules) expect({ where: where(r), unknown: r.options.map((o) => o.keyword).filter((k) => !KEYWORDS.has(k)) }).toEqual({ where: where(r), unknown: [] });
  });

  it('cover every attack pattern of seed 003 §3.1.2', () => {
    for (const [family, labels] of Object.entries(LABELS)) {
      expect([...new Set(rules.filter((r) => r.metadata.family === family).map((r) => r.metadata.label))].sort()).toEqual(labels);
    }
  });

  it('count floods, scans and brute force with threshold or detection_filter', () => {
    for (const r of rules.filter((x) => x.metadata.family !== 'web')) {
      expect({ where: where(r), counted: r.options.some((o) => o.keyword === 'threshold' || o.keyword === 'detection_filter') }).toEqual({ where: where(r), counted: true });
    }
  });
});

describe('parseOptions', () => {
  it.each([
    ['msg:"a;b"; sid:1;', ['msg', 'sid']],
    ['content:"|3a|"; nocase; pcre:"/a\\;b/i"; rev:2;', ['content', 'nocase', 'pcre', 'rev']],
    ['flow:established,to_server; http.uri; content:"x";', ['flow', 'http.uri', 'content']],
  ])('splits %s', (body, keywords) => {
    expect(parseOptions(body).map((o) => o.keyword)).toEqual(keywords);
  });

  it('refuses what it cannot split', () => {
    expect(() => parseOptions('msg:"unterminated; sid:1')).toThrow(/unparsed/);
  });
});
