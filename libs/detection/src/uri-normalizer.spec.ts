import { DEFAULT_URI_NORMALIZER_OPTIONS, normalizeUri, removeDotSegments, splitAbsoluteUri } from './uri-normalizer';

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('normalizeUri', () => {
  // Checked against Suricata 7.0.10's http.uri (captured with pcre into flowvars): '/a\\b' style
  // backslashes, '//' runs, %2f, bad escapes, '/a/b/..', '/a/.', %u best fit, the query cases and
  // the absolute URIs.
  it.each([
    ['/index.html', '/index.html'],
    ['/a%20b', '/a b'],
    ['/%2e%2e/%2E%2e/etc/passwd', '/etc/passwd'],
    ['/a/./b/../c', '/a/c'],
    ['/a//b///c', '/a/b/c'],
    ['/a%2f%2fb', '/a/b'],
    ['/scripts\\..\\..\\winnt\\cmd.exe', '/winnt/cmd.exe'],
    ['/a/b/..', '/a'],
    ['/a/.', '/a'],
    ['/a/b/', '/a/b/'],
    ['/../../x', '/x'],
    ['/%u0041%u002e%uFF0E', '/A..'],
    ['/%u4e2d', '/?'],
    ['/caf%C3%A9', '/caf\xe9'],
    ['/%zz%4', '/%zz%4'],
    ['/p?q=%41%2e&r=../x', '/p?q=A.&r=../x'],
    ['/p?a=b+c', '/p?a=b+c'],
    ['/%u0041%uFF0E/p?a=b+c%u0042', '/A./p?a=b+c%u0042'],
    ['/p?q=%2f+%zz', '/p?q=/+%zz'],
    ['http://Example.com:8080/a/../b?x=1', '/b?x=1'],
    ['http://example.com', ''],
    ['*', '*'],
  ])('%s -> %s', (raw, expected) => {
    expect(text(normalizeUri(bytes(raw)))).toBe(expected);
  });

  it.each([
    { option: 'decodeUEncoding', raw: '/%u0041', expected: '/%u0041' },
    { option: 'backslashToSlash', raw: '/a\\b', expected: '/a\\b' },
    { option: 'compressSlashes', raw: '/a//b', expected: '/a//b' },
    { option: 'utf8BestFit', raw: '/caf%C3%A9', expected: '/caf\xc3\xa9' },
  ])('can turn $option off', ({ option, raw, expected }) => {
    expect(text(normalizeUri(bytes(raw), { ...DEFAULT_URI_NORMALIZER_OPTIONS, [option]: false }))).toBe(expected);
  });
});

describe('removeDotSegments', () => {
  it.each([
    ['/a/b/c/./../../g', '/a/g'],
    ['mid/content=5/../6', 'mid/6'],
    ['/a//b/', '/a//b/'],
    ['/..', '/'],
    ['/a/b/..', '/a'],
    ['', ''],
  ])('%s -> %s', (path, expected) => {
    expect(text(removeDotSegments(bytes(path)))).toBe(expected);
  });
});

describe('splitAbsoluteUri', () => {
  it.each([
    { raw: 'http://h.example:81/x?y', authority: 'h.example:81', rest: '/x?y' },
    { raw: 'https://h?q', authority: 'h', rest: '?q' },
    { raw: '/http://not-absolute', authority: null, rest: '/http://not-absolute' },
  ])('$raw', ({ raw, authority, rest }) => {
    const r = splitAbsoluteUri(bytes(raw));
    expect([r.authority === null ? null : text(r.authority), text(r.pathAndQuery)]).toEqual([authority, rest]);
  });
});
