import {
  DEFAULT_HTTP_REQUEST_PARSER_OPTIONS, HttpBufferName, HttpRequest, HttpRequestParser, HttpRequestParserOptions,
} from './http-request.parser';

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('latin1'));

/** Parses a whole stream, fed in pieces of `step` bytes to exercise the incremental paths. */
function parse(stream: string, step = stream.length, options?: Partial<HttpRequestParserOptions>): { reqs: HttpRequest[]; parser: HttpRequestParser } {
  const parser = new HttpRequestParser({ ...DEFAULT_HTTP_REQUEST_PARSER_OPTIONS, ...options });
  const b = bytes(stream);
  const reqs: HttpRequest[] = [];
  for (let i = 0; i < b.length; i += Math.max(1, step)) reqs.push(...parser.push(b.subarray(i, i + step)));
  reqs.push(...parser.end());
  return { reqs, parser };
}

const buffersOf = (r: HttpRequest): Partial<Record<HttpBufferName, string | null>> =>
  Object.fromEntries(Object.entries(r.buffers).map(([k, v]) => [k, text(v)]));

const SIMPLE = 'GET /a%20b/../c?x=%41 HTTP/1.1\r\nHost: WWW.Example.com:8080\r\nUser-Agent: curl/8.0  \r\nCookie: s=1\r\nAccept: */*\r\n\r\n';

describe('HttpRequestParser', () => {
  it.each([1, 3, 7, 1000])('extracts every buffer of a simple GET (fed %i bytes at a time)', (step) => {
    const { reqs } = parse(SIMPLE, step);
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toEqual(expect.objectContaining({
      method: 'GET', rawUri: '/a%20b/../c?x=%41', version: 'HTTP/1.1', complete: true, anomalies: [],
      host: 'WWW.Example.com:8080', userAgent: 'curl/8.0', cookie: 's=1',
    }));
    expect(reqs[0].headers.map((h) => h.name)).toEqual(['Host', 'User-Agent', 'Cookie', 'Accept']);
    expect(buffersOf(reqs[0])).toEqual({
      http_method: 'GET',
      http_uri: '/c?x=A',
      http_raw_uri: '/a%20b/../c?x=%41',
      http_header: 'Host: WWW.Example.com:8080\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n',
      http_raw_header: 'Host: WWW.Example.com:8080\r\nUser-Agent: curl/8.0  \r\nCookie: s=1\r\nAccept: */*\r\n\r\n',
      http_cookie: 's=1',
      http_user_agent: 'curl/8.0',
      http_host: 'WWW.Example.com',
      http_client_body: null,
    });
  });

  it.each([
    {
      name: 'Content-Length body',
      stream: 'POST /login HTTP/1.1\r\nContent-Length: 11\r\n\r\nuser=a&pw=b',
      body: 'user=a&pw=b', bodyLength: 11,
    },
    {
      name: 'chunked body with extension and trailer (de-chunked as Suricata 7.0.10)',
      stream: 'POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n',
      body: 'hello world', bodyLength: 11,
    },
    {
      name: 'chunked wins over Content-Length',
      stream: 'POST /u HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
      body: 'ab', bodyLength: 2,
    },
    {
      name: 'body capped by maxBodyBytes',
      stream: 'POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789',
      body: '0123', bodyLength: 10, anomalies: ['body-truncated'], options: { maxBodyBytes: 4 },
    },
  ])('$name', ({ stream, body, bodyLength, anomalies, options }) => {
    for (const step of [2, stream.length]) {
      const { reqs } = parse(stream, step, options);
      expect(reqs).toHaveLength(1);
      expect([text(reqs[0].buffers.http_client_body), reqs[0].bodyLength, reqs[0].anomalies]).toEqual([body, bodyLength, anomalies ?? []]);
    }
  });

  it('parses pipelined requests in order, LF-only lines included', () => {
    const stream = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.0\nContent-Length: 2\n\nok\r\nGET /3 HTTP/1.1\r\n\r\n';
    const { reqs } = parse(stream, 5);
    expect(reqs.map((r) => [r.method, r.rawUri, text(r.buffers.http_client_body)])).toEqual([
      ['GET', '/1', null], ['POST', '/2', 'ok'], ['GET', '/3', null],
    ]);
    expect(text(reqs[1].buffers.http_raw_header)).toBe('Content-Length: 2\n\n');
  });

  it.each([
    { name: 'duplicate headers are merged with ", "', headers: 'User-Agent: A\r\nX: 1\r\nuser-agent: B\r\nCookie: a=1\r\nCookie: b=2\r\n', buffer: 'http_user_agent', expected: 'A, B' },
    { name: 'merged headers in http_header', headers: 'User-Agent: A\r\nX: 1\r\nuser-agent: B\r\n', buffer: 'http_header', expected: 'User-Agent: A, B\r\nX: 1\r\n' },
    { name: 'cookies merged (Suricata 7.0.10)', headers: 'Cookie: a=1\r\nCookie: b=2\r\n', buffer: 'http_cookie', expected: 'a=1, b=2' },
    { name: 'only cookie: no http_header', headers: 'Cookie: a=1\r\n', buffer: 'http_header', expected: null },
    { name: 'host from several Host headers, cut at the first port (Suricata 7.0.10)', headers: 'Host: A.B:81\r\nHost: C.d\r\n', buffer: 'http_host', expected: 'A.B' },
    { name: 'several Host headers without ports are merged', headers: 'Host: ABC.com\r\nHost: efg.net\r\n', buffer: 'http_host', expected: 'ABC.com, efg.net' },
    { name: 'IPv6 host', headers: 'Host: [2001:DB8::1]:8080\r\n', buffer: 'http_host', expected: '[2001:DB8::1]' },
    { name: 'empty User-Agent in http_header (Suricata 7.0.10)', headers: 'User-Agent: \r\nHost: h\r\n', buffer: 'http_header', expected: 'User-Agent: \r\nHost: h\r\n' },
    { name: 'empty User-Agent', headers: 'User-Agent: \r\n', buffer: 'http_user_agent', expected: '' },
    { name: 'folded header value (Suricata 7.0.10)', headers: 'X-Long: a\r\n  b\r\n', buffer: 'http_header', expected: 'X-Long: a  b\r\n' },
    { name: 'User-Agent blanks trimmed (Suricata 7.0.10)', headers: 'User-Agent:   x  \r\n', buffer: 'http_user_agent', expected: 'x' },
    { name: 'blanks around value', headers: 'X:\t v \t\r\n', buffer: 'http_header', expected: 'X: v\r\n' },
    { name: 'names merged as toLowerCase folds them, latin1 letters too', headers: 'X-\xc0: 1\r\nA: 2\r\nx-\xe0: 3\r\n', buffer: 'http_header', expected: 'X-\xc0: 1, 3\r\nA: 2\r\n' },
    { name: 'http_header without merging keeps order and drops Cookie', headers: 'B: 1\r\nCookie: c\r\nA:2\r\n', buffer: 'http_header', expected: 'B: 1\r\nA: 2\r\n' },
  ])('$name', ({ headers, buffer, expected }) => {
    const { reqs } = parse(`GET / HTTP/1.1\r\n${headers}\r\n`);
    expect(text(reqs[0].buffers[buffer as HttpBufferName])).toBe(expected);
  });

  it('takes the host of an absolute URI over the Host header, and http_uri keeps path and query', () => {
    const { reqs } = parse('GET http://user@Proxy.Example:3128/x/./y?q HTTP/1.1\r\nHost: other\r\n\r\n');
    expect([text(reqs[0].buffers.http_host), text(reqs[0].buffers.http_uri)]).toEqual(['proxy.example', '/x/y?q']);
  });

  it('handles an HTTP/0.9 request line (no headers)', () => {
    const { reqs } = parse('GET /old\r\nGET /new HTTP/1.1\r\n\r\n');
    expect(reqs.map((r) => [r.rawUri, r.version, text(r.buffers.http_raw_header)])).toEqual([['/old', '', null], ['/new', 'HTTP/1.1', null]]);
  });

  it('keeps a URI containing blanks whole', () => {
    expect(parse('GET /a b HTTP/1.1\r\n\r\n').reqs[0].rawUri).toBe('/a b');
  });

  it.each([
    { name: 'invalid Content-Length', stream: 'POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n', anomalies: ['invalid-content-length'] },
    { name: 'header without colon', stream: 'GET / HTTP/1.1\r\nnocolon\r\n\r\n', anomalies: ['invalid-header'] },
    { name: 'folded header', stream: 'GET / HTTP/1.1\r\nA: 1\r\n 2\r\n\r\n', anomalies: ['folded-header'] },
    { name: 'too many headers', stream: 'GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n', anomalies: ['too-many-headers'], options: { maxHeaders: 2 } },
    { name: 'header block too large', stream: 'GET / HTTP/1.1\r\nA: 0123456789\r\nB: 0123456789\r\n\r\n', anomalies: ['header-block-too-large'], options: { maxHeaderBytes: 20 } },
    { name: 'request line too long', stream: 'GET /0123456789012345678901234567890123456789 HTTP/1.1\r\n\r\n', anomalies: ['request-line-too-long'], options: { maxLineBytes: 16 } },
    { name: 'header line too long', stream: 'GET / HTTP/1.1\r\nX: 0123456789012345678901234567890123456789\r\n\r\n', anomalies: ['header-line-too-long'], options: { maxLineBytes: 24 } },
    { name: 'invalid chunk size', stream: 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', anomalies: ['invalid-chunk-size'] },
    { name: 'stream ends inside the body', stream: 'POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc', anomalies: ['incomplete'] },
  ])('anomaly: $name', ({ stream, anomalies, options }) => {
    const { reqs, parser } = parse(stream, 4, options);
    expect(reqs).toHaveLength(1);
    expect(reqs[0].anomalies).toEqual(anomalies);
    for (const a of anomalies) expect(parser.counters[a as keyof typeof parser.counters]).toBe(1);
  });

  it('an incomplete request is returned by end() with what was seen', () => {
    const { reqs } = parse('POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc');
    expect([reqs[0].complete, text(reqs[0].buffers.http_client_body), reqs[0].bodyLength]).toEqual([false, 'abc', 3]);
  });

  it('counts junk lines without emitting requests, and recovers on the next request', () => {
    const { reqs, parser } = parse('\x16\x03\x01junk\r\n\r\nGET /ok HTTP/1.1\r\n\r\n');
    expect(reqs.map((r) => r.rawUri)).toEqual(['/ok']);
    expect(parser.counters['invalid-request-line']).toBe(1);
    expect(parser.counters.requests).toBe(1);
  });

  it.each([
    ['a header past a full raw block is still a header', 'GET / HTTP/1.1\r\nA: 0123456789\r\nB: 0123456789\r\n\r\n', { maxHeaderBytes: 20 },
      [['A', '0123456789'], ['B', '0123456789']], 'A: 0123456789\r\nB: 0123456789\r\n'],
    ['a folded line continues a header kept in the block, then merging sees the whole value', 'GET / HTTP/1.1\r\nX: a\r\n\tb \r\nY: 1\r\nx: c\r\n\r\n', {},
      [['X', 'a\tb'], ['Y', '1'], ['x', 'c']], 'X: a\tb, c\r\nY: 1\r\n'],
    ['framing header names match in any case, blanks before the colon trimmed', 'POST / HTTP/1.1\r\nCONTENT-LENGTH : 2\r\n\r\nok', {},
      [['CONTENT-LENGTH', '2']], 'CONTENT-LENGTH: 2\r\n'],
  ])('headers: %s', (_name, stream, options, headers, httpHeader) => {
    for (const step of [1, 6, stream.length]) {
      const { reqs } = parse(stream, step, options);
      expect(reqs).toHaveLength(1);
      expect(reqs[0].headers.map((h) => [h.name, h.value])).toEqual(headers);
      expect(text(reqs[0].buffers.http_header)).toBe(httpHeader);
    }
  });

  it('builds each buffer once, on first read, and buffer(name) is buffers[name]', () => {
    const { reqs } = parse(SIMPLE);
    const uri = reqs[0].buffer('http_uri');
    expect(text(uri)).toBe('/c?x=A');
    expect(reqs[0].buffer('http_uri')).toBe(uri);
    expect(reqs[0].buffers.http_uri).toBe(uri);
    expect(reqs[0].buffers.http_cookie).toBe(reqs[0].buffer('http_cookie'));
  });

  it('parses a request whose line ends fall at every offset of the pushes the same way', () => {
    const stream = 'POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX: y\r\n\r\nabcGET /next HTTP/1.0\n\n';
    const whole = parse(stream).reqs.map((r) => [r.method, r.rawUri, r.version, r.headers.map((h) => h.value), text(r.buffers.http_client_body)]);
    expect(whole).toEqual([['POST', '/p?q=1', 'HTTP/1.1', ['h', '3', 'y'], 'abc'], ['GET', '/next', 'HTTP/1.0', [], null]]);
    for (let step = 1; step < stream.length; step++) {
      expect(parse(stream, step).reqs.map((r) => [r.method, r.rawUri, r.version, r.headers.map((h) => h.value), text(r.buffers.http_client_body)])).toEqual(whole);
    }
  });

  it('keeps a raw header block of many lines whole, across pieces', () => {
    const headers = Array.from({ length: 40 }, (_, i) => `X-H${i}: ${'v'.repeat(i * 3)}\r\n`).join('');
    const stream = `GET / HTTP/1.1\r\nHost: a\r\n${headers}\r\n`;
    for (const step of [5, 64, stream.length]) {
      const { reqs } = parse(stream, step);
      expect([reqs.length, text(reqs[0].buffers.http_raw_header)]).toEqual([1, `Host: a\r\n${headers}\r\n`]);
      expect(reqs[0].headers).toHaveLength(41);
    }
  });
});

