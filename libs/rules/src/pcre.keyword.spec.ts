import { matchPacketOptions } from './packet-options.matcher';
import { mustParse, packet, parseOptions } from './rule-test.fixtures';
import type { PcreOption } from './rule.types';

const firstPcre = (options: string): PcreOption => mustParse(options).options.find((o) => o.kind === 'pcre') as PcreOption;

describe('pcre: parse', () => {
  it.each<[string, Partial<PcreOption>, string]>([
    ['pcre:"/a.c/";', { buffer: 'pkt_data', negated: false, relative: false }, 'g'],
    ['pcre:"/a.c/ism";', {}, 'gims'],
    ['pcre:!"/a.c/";', { negated: true }, 'g'],
    ['content:"x"; pcre:"/a/R";', { relative: true }, 'g'],
    ['pcre:"/^GET/A";', {}, 'y'],
    ['pcre:"/admin/U";', { buffer: 'http_uri' }, 'g'],
    ['pcre:"/x/I";', { buffer: 'http_raw_uri' }, 'g'],
    ['pcre:"/x/H";', { buffer: 'http_header' }, 'g'],
    ['pcre:"/x/D";', { buffer: 'http_raw_header' }, 'g'],
    ['pcre:"/x/M";', { buffer: 'http_method' }, 'g'],
    ['pcre:"/x/C";', { buffer: 'http_cookie' }, 'g'],
    ['pcre:"/x/P";', { buffer: 'http_client_body' }, 'g'],
    ['pcre:"/x/V";', { buffer: 'http_user_agent' }, 'g'],
    ['pcre:"/x/W";', { buffer: 'http_host' }, 'g'],
    ['pcre:"/^40[13]$/S";', { buffer: 'http_stat_code' }, 'g'],
    ['http.uri; pcre:"/x/";', { buffer: 'http_uri' }, 'g'],
    ['http.uri; pcre:"/x/U";', { buffer: 'http_uri' }, 'g'],
    ['pcre:"/x/EO";', {}, 'g'],
    ['pcre:"/(?P<n>a)\\;/";', {}, 'g'],
  ])('%s', (options, expected, flags) => {
    const p = firstPcre(options);
    expect(p).toMatchObject(expected);
    expect(p.regex.flags).toBe(flags);
  });

  it('x flag strips whitespace and comments outside classes', () => {
    expect(firstPcre('pcre:"/a b [ ]d # comment/x";').regex.source).toBe('ab[ ]d');
    expect(firstPcre('pcre:"/a\\ b/x";').regex.source).toBe('a\\ b');
  });

  it.each<[string, string]>([
    ['pcre:"a.c";', 'expected "/regex/flags"'],
    ['pcre:"/a/q";', "unknown flag 'q'"],
    ['pcre:"/a++/";', 'possessive quantifier has no JavaScript equivalent'],
    ['pcre:"/a{2}+/";', 'possessive quantifier'],
    ['pcre:"/(?>ab)/";', 'atomic group'],
    ['pcre:"/(?i)ab/";', 'inline option'],
    ['pcre:"/\\Aab/";', '\\A has no JavaScript equivalent'],
    ['pcre:"/ab\\z/";', '\\z'],
    ['pcre:"/(a)(?(1)b|c)/";', 'conditional'],
    ['pcre:"/(a(?R)?b)/";', 'recursion'],
    ['pcre:"/\\x{41}/";', '\\x{...}'],
    ['pcre:"/[[:alpha:]]/";', 'POSIX class'],
    ['pcre:"/a/G";', 'ungreedy'],
    ['pcre:"/a/Y";', 'stat msg'],
    ['pcre:"/(/";', 'not a valid JavaScript regular expression'],
    ['pcre:"/a/R";', 'R flag needs a preceding content or pcre in pkt_data'],
    ['pcre:"/a/UH";', 'two buffer flags'],
    ['http.uri; pcre:"/a/H";', 'buffer flag for http_header under sticky buffer http_uri'],
  ])('refuses %s', (options, reason) => {
    const { rule, error } = parseOptions(options);
    expect(rule).toBeNull();
    expect(error?.reason).toContain(reason);
    expect(error?.reason).toContain('pcre');
  });
});

describe('pcre: match', () => {
  it.each<[string, string, boolean]>([
    ['pcre:"/a.c/";', 'xxabcxx', true],
    ['pcre:"/a.c/";', 'xxABCxx', false],
    ['pcre:"/a.c/i";', 'xxABCxx', true],
    ['pcre:"/a.c/";', 'a\nc', false],
    ['pcre:"/a.c/s";', 'a\nc', true],
    ['pcre:"/^b$/m";', 'a\nb\nc', true],
    ['pcre:"/^b$/";', 'a\nb\nc', false],
    ['pcre:!"/evil/";', 'good', true],
    ['pcre:!"/evil/";', 'evil', false],
    ['pcre:"/^GET/A";', 'GET /', true],
    ['pcre:"/GET/A";', ' GET /', false],
    ['pcre:"/\\xff\\x00/";', '\xff\x00', true],
    // R: relative to the previous match; ^ anchors at the end of that match
    ['content:"user "; pcre:"/^root/R";', 'user root', true],
    ['content:"user "; pcre:"/^root/R";', 'root user x', false],
    ['content:"a"; pcre:"/b/R";', 'ba', false],
    ['pcre:"/u[a-z]+r/"; content:"x"; distance:0; within:1;', 'user x userx', true],
    ['pcre:"/id=\\d+/"; content:"&"; within:1;', 'id=12&', true],
    ['pcre:"/id=\\d+/"; content:"&"; within:1;', 'id=12 &', false],
    // the first pcre is retried after the second (relative) one failed on its first match
    ['pcre:"/k=/"; pcre:"/^v\\d/R";', 'k=x k=v1', true],
    ['pcre:"/k=/"; pcre:"/^v\\d/R";', 'k=x k=vv', false],
    ['pcre:"/k=/"; pcre:"/^v/R"; pcre:"/^1/R";', 'k=v2 k=v1', true],
    ['pcre:"/k/"; pcre:"/^.x/R"; pcre:"/^!/R";', 'kkxx!', true],
  ])('%s on %j → %s', (options, payload, expected) => {
    const rule = mustParse(options);
    expect(matchPacketOptions(rule, packet(payload))).toBe(expected);
    // compiled once: a second packet gives the same answer (lastIndex does not leak)
    expect(matchPacketOptions(rule, packet(payload))).toBe(expected);
  });

  it('U flag inspects the URI buffer', () => {
    const rule = mustParse('pcre:"/\\/admin\\/.*\\.php/U";');
    expect(matchPacketOptions(rule, packet('/admin/x.php', { http: { http_uri: '/index' } }))).toBe(false);
    expect(matchPacketOptions(rule, packet('', { http: { http_uri: '/admin/x.php' } }))).toBe(true);
  });
});
