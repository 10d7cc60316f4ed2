import { matchPacketOptions } from './packet-options.matcher';
import { mustParse, packet, parseOptions } from './rule-test.fixtures';
import type { ContentOption } from './rule.types';

const firstContent = (options: string): ContentOption => mustParse(options).options.find((o) => o.kind === 'content') as ContentOption;
const bytes = (s: string): number[] => [...Buffer.from(s, 'latin1')];

describe('content: parse', () => {
  it.each<[string, number[], Partial<ContentOption>]>([
    ['content:"abc";', bytes('abc'), { negated: false, nocase: false }],
    ['content:"|41 42|C";', bytes('ABC'), {}],
    ['content:"a|0d0a|b";', [0x61, 0x0d, 0x0a, 0x62], {}],
    ['content:"a\\;b\\"c\\\\d\\:";', bytes('a;b"c\\d:'), {}],
    ['content:!"evil";', bytes('evil'), { negated: true }],
    ['content: ! "evil";', bytes('evil'), { negated: true }],
    ['content:"AbC"; nocase;', bytes('AbC'), { nocase: true, needle: Uint8Array.from(bytes('abc')) }],
    ['content:"abc"; offset:2; depth:5;', bytes('abc'), { offset: 2, depth: 5, relative: false }],
    ['content:"a"; content:"bc"; distance:-1; within:4;', bytes('a'), {}],
    ['content:"abc"; rawbytes;', bytes('abc'), {}],
    ['content:"abc"; http_uri;', bytes('abc'), { buffer: 'http_uri' }],
    ['http.header; content:"abc";', bytes('abc'), { buffer: 'http_header' }],
    ['content:"abcdef"; fast_pattern:1,3;', bytes('abcdef'), { fastPattern: true, fastPatternSlice: { offset: 1, length: 3 } }],
    ['content:"abc"; fast_pattern:only;', bytes('abc'), { fastPattern: true, fastPatternOnly: true }],
  ])('%s', (options, pattern, expected) => {
    const c = firstContent(options);
    expect([...c.pattern]).toEqual(pattern);
    expect(c).toMatchObject(expected);
  });

  it.each<[string, string]>([
    ['content:abc;', 'invalid content: value must be in double quotes'],
    ['content:"a"b";', 'unescaped "'],
    ['content:"a\\x";', "bad escape '\\x'"],
    ['content:"|4|";', 'odd number of hex digits'],
    ['content:"|4G|";', "bad hex digit 'G'"],
    ['content:"|41";', 'unterminated |hex|'],
    ['content:"";', 'empty content'],
    ['nocase;', 'invalid nocase: needs a preceding content'],
    ['content:"a"; nocase; nocase;', 'given twice for one content'],
    ['content:"abc"; depth:2;', 'invalid depth: smaller than the content'],
    ['content:"a"; content:"abc"; within:2;', 'invalid within: smaller than the content'],
    ['content:"a"; depth:x;', 'invalid depth: expected an integer'],
    ['content:"a"; offset:1; distance:2;', 'unsupported distance: distance on a content that already has offset/depth'],
    ['content:"a"; distance:2; depth:3;', 'unsupported depth: depth on a content that already has distance/within'],
    ['content:"a"; http_uri; http_header;', 'content is already in http_uri'],
    ['http.uri; content:"a"; http_header;', 'content modifier after a sticky buffer'],
    ['content:!"a"; fast_pattern;', 'unsupported fast_pattern: fast_pattern on a negated content'],
    ['content:"abc"; fast_pattern:2,5;', 'slice outside the content'],
    ['content:"abc"; fast_pattern; content:"d"; fast_pattern;', "invalid fast_pattern: given twice"],
    ['http.uri.raw: x; content:"a";', 'takes no value'],
    ['file_data; content:"a";', "unsupported keyword 'file_data'"],
  ])('refuses %s', (options, reason) => {
    const { rule, error } = parseOptions(options);
    expect(rule).toBeNull();
    expect(error?.reason).toContain(reason);
  });
});

describe('fast pattern choice', () => {
  it.each<[string, string, string, boolean]>([
    ['content:"ab"; content:"abcd"; content:"xyz";', 'pkt_data', 'abcd', false],
    ['content:"abcd"; content:"xy"; fast_pattern;', 'pkt_data', 'xy', false],
    ['content:!"longest-one"; content:"ab"; nocase;', 'pkt_data', 'ab', true],
    ['content:"abcdef"; fast_pattern:2,2;', 'pkt_data', 'cd', false],
    ['content:"GET"; http_method; content:"/admin/login"; http_uri;', 'http_uri', '/admin/login', false],
  ])('%s', (options, buffer, text, nocase) => {
    const fp = mustParse(options).fastPattern;
    expect(fp && { buffer: fp.buffer, text: Buffer.from(fp.bytes).toString('latin1'), nocase: fp.nocase }).toEqual({ buffer, text, nocase });
  });

  it('is null without a positive content', () => {
    expect(mustParse('content:!"x"; dsize:>0;').fastPattern).toBeNull();
  });
});

describe('content: match', () => {
  it.each<[string, string, boolean]>([
    ['content:"abc";', 'xxabcxx', true],
    ['content:"abc";', 'xxABCxx', false],
    ['content:"abc"; nocase;', 'xxABCxx', true],
    ['content:"|00 01|";', 'a\x00\x01b', true],
    ['content:!"evil";', 'good', true],
    ['content:!"evil";', 'so evil', false],
    // offset/depth: window [offset, offset+depth)
    ['content:"abc"; offset:2;', 'xxabc', true],
    ['content:"abc"; offset:3;', 'xxabc', false],
    ['content:"abc"; depth:3;', 'abcx', true],
    ['content:"abc"; depth:4;', 'xabc', true],
    ['content:"abc"; depth:4;', 'xxabc', false],
    ['content:"abc"; offset:1; depth:3;', 'xabc', true],
    ['content:"abc"; offset:1; depth:3;', 'xxabc', false],
    // distance/within: relative to the end of the previous match; within counts from distance
    ['content:"a"; content:"b"; distance:0;', 'ab', true],
    ['content:"a"; content:"b"; distance:1;', 'ab', false],
    ['content:"a"; content:"b"; distance:1;', 'axb', true],
    ['content:"a"; content:"b"; within:1;', 'ab', true],
    ['content:"a"; content:"b"; within:1;', 'axb', false],
    ['content:"a"; content:"b"; distance:2; within:1;', 'axxb', true],
    ['content:"a"; content:"b"; distance:2; within:1;', 'axxxb', false],
    ['content:"ab"; content:"b"; distance:-1; within:1;', 'ab', true],
    ['content:"b"; content:"a"; within:5;', 'ab', false],
    // a leading relative content is anchored on the buffer start (Suricata)
    ['content:"abc"; distance:2;', 'xxabc', true],
    ['content:"abc"; distance:2;', 'xabc', false],
    ['content:"b"; within:2;', 'ab', true],
    ['content:"b"; within:2;', 'xab', false],
    // an earlier content is retried when a relative one fails (backtracking)
    ['content:"a"; content:"b"; within:1;', 'axx ab', true],
    ['content:"GET "; depth:4; content:"/admin"; distance:0; within:20; content:"HTTP/1."; distance:0;', 'GET /admin HTTP/1.1', true],
    ['content:"GET "; depth:4; content:"/admin"; distance:0; within:20; content:"HTTP/1."; distance:0;', 'GET /x HTTP/1.1 /admin', false],
    // negated relative content: absent in its window only
    ['content:"user"; content:!"root"; distance:1; within:4;', 'user root', false],
    ['content:"user"; content:!"root"; distance:1; within:4;', 'user bob root', true],
    ['content:"a"; content:!"b"; distance:0; content:"c"; distance:0;', 'a c', true],
    ['content:"a"; content:!"b"; distance:0; content:"c"; distance:0;', 'abc', false],
  ])('%s on %j → %s', (options, payload, expected) => {
    expect(matchPacketOptions(mustParse(options), packet(payload))).toBe(expected);
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['content:"/admin"; http_uri;', { http_uri: '/admin/x' }, true],
    ['content:"/admin"; http_uri;', { http_header: '/admin' }, false],
    ['content:"/admin"; http_uri;', {}, false],
    ['http.uri; content:"/ADMIN"; nocase; content:"x"; distance:0;', { http_uri: '/admin/x' }, true],
    ['http.uri; content:"/admin"; pkt_data; content:"GET";', { http_uri: '/admin' }, true],
    ['content:"POST"; http_method; content:"/login"; http_uri;', { http_method: 'POST', http_uri: '/login' }, true],
    ['content:"POST"; http_method; content:"/login"; http_uri;', { http_method: 'GET', http_uri: '/login' }, false],
    ['http.user_agent; content:"sqlmap";', { http_user_agent: 'sqlmap/1.5' }, true],
    ['http.host; content:"example";', { http_host: 'example.com' }, true],
    ['http.cookie; content:"sid=";', { http_cookie: 'sid=1' }, true],
    ['http.request_body; content:"pass=";', { http_client_body: 'user=a&pass=b' }, true],
    ['http.header.raw; content:"X-A";', { http_raw_header: 'X-A: 1' }, true],
    ['http.uri.raw; content:"%2e";', { http_raw_uri: '/%2e%2e/' }, true],
    ['http.stat_code; content:"401";', { http_stat_code: '401' }, true],
    ['content:"401"; http_stat_code;', { http_stat_code: '200' }, false],
    ['http.stat_code; content:"401";', {}, false],
  ])('%s with %j → %s', (options, http, expected) => {
    expect(matchPacketOptions(mustParse(options), packet('GET /admin HTTP/1.1', { http }))).toBe(expected);
  });
});
