import { HttpResponseStatusParser } from './http-response-status.parser';

const feed = (chunks: string[]) => {
  const p = new HttpResponseStatusParser();
  return chunks.map((c) => p.push(Buffer.from(c, 'latin1')));
};

describe('HttpResponseStatusParser', () => {
  it.each([
    ['one response', ['HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'], [['401']]],
    ['status line split across chunks', ['HTTP/1.1 4', '04 Not Found\r\n\r\n'], [[], ['404']]],
    ['LF line ends, HTTP/1.0', ['HTTP/1.0 200 OK\n\n'], [['200']]],
    ['Content-Length body skipped, then the next response', ['HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\nHTTP/1.1 500 x\r\n\r\n', 'HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n'], [['200'], ['302']]],
    ['chunked body skipped', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHTTP/\r\n0\r\n\r\nHTTP/1.1 401 No\r\n\r\n'], [['200', '401']]],
    ['not a status line', ['SSH-2.0-OpenSSH\r\n', 'HTTP/1.1 401 x\r\n\r\n'], [[], ['401']]],
    ['a code of other than three digits is not one', ['HTTP/1.1 4011 x\r\n\r\n'], [[]]],
    ['304 has no body', ['HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\n\r\n'], [['304', '200']]],
    ['a long header line, split, then the next response', ['HTTP/1.1 200 OK\r\nX-Long: ' + 'a'.repeat(3000), 'b'.repeat(3000) + '\r\nContent-Length: 0\r\n\r\nHTTP/1.1 404 x\r\n\r\n'], [['200'], ['404']]],
    ['framing header names in any case, blanks (NBSP too, as trim() has it) around them', ['HTTP/1.1 200 OK\r\n \xa0CONTENT-length\t: 4\r\nX-Content-Length: 99\r\n\r\nabcdHTTP/1.1 401 x\r\n\r\n'], [['200', '401']]],
    ['a name that only resembles Content-Length frames nothing: the next status line is sought', ['HTTP/1.1 200 OK\r\nContent-Lengths: 16\r\n\r\nHTTP/1.1 500 x\r\n\r\nHTTP/1.1 401 x\r\n\r\n'], [['200', '500', '401']]],
    ['a status line over 8 KiB is not one', ['HTTP/1.1 200 ' + 'x'.repeat(9000) + '\r\n', 'HTTP/1.1 503 x\r\n\r\n'], [[], ['503']]],
  ])('%s', (_name, chunks, expected) => {
    expect(feed(chunks)).toEqual(expected);
  });
});
