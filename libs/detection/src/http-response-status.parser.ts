/**
 * The one thing the engine needs from HTTP responses: the status code of each response
 * (`http.stat_code`), in order, from the server-to-client stream bytes.
 *
 * Minimal on purpose: a status line `HTTP/1.x NNN ...`, then header lines up to the empty line,
 * reading only Content-Length and `Transfer-Encoding: chunked` so a body is skipped and not taken
 * for a status line. A response with neither is read until the next line that starts with
 * `HTTP/1.` (close-delimited bodies are rare in front of a following response; a body line that
 * starts so would be mistaken for one, an accepted approximation). Responses to HEAD and 1xx/204/304
 * carry no body; HEAD is not known here (no request pairing), so its Content-Length is skipped as
 * a body — the next status line is then found late, never invented.
 */

const LF = 0x0a;
const CR = 0x0d;
const MAX_LINE_BYTES = 8192;

type State = 'status' | 'headers' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'seek';

/** What push returns when no status line completed (the common case: a body segment); never mutated. */
const NO_CODES: string[] = [];

export class HttpResponseStatusParser {
  private state: State = 'status';
  /** The line being read (bytes before its LF), at most MAX_LINE_BYTES; grown on demand (one parser per connection). */
  private line = new Uint8Array(128);
  private lineLength = 0;
  private lineOverflow = false;
  private remaining = 0;
  private contentLength: number | null = null;
  private chunked = false;
  private code = 0;
  responses = 0;

  /** Feeds the next server-to-client stream bytes; returns the status codes (`"401"`) whose status line they completed. */
  push(data: Uint8Array): string[] {
    let codes = NO_CODES;
    let i = 0;
    while (i < data.length) {
      if (this.state === 'body' || this.state === 'chunk-data') {
        const n = Math.min(this.remaining, data.length - i);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = this.state === 'body' ? 'status' : 'chunk-end';
        continue;
      }
      const lf = data.indexOf(LF, i);
      const end = lf < 0 ? data.length : lf;
      const take = Math.min(end - i, MAX_LINE_BYTES - this.lineLength);
      if (this.lineLength + take > this.line.length) this.grow(this.lineLength + take);
      if (take > 0) {
        this.line.set(data.subarray(i, i + take), this.lineLength);
        this.lineLength += take;
      }
      if (take < end - i) this.lineOverflow = true;
      if (lf < 0) break;
      i = lf + 1;
      let n = this.lineLength;
      if (n > 0 && this.line[n - 1] === CR) n--;
      this.lineLength = 0;
      const overflow = this.lineOverflow;
      this.lineOverflow = false;
      const code = overflow ? null : this.onLine(n);
      if (code !== null) {
        if (codes === NO_CODES) codes = [];
        codes.push(code);
      }
    }
    return codes;
  }

  private grow(needed: number): void {
    const grown = new Uint8Array(Math.min(MAX_LINE_BYTES, Math.max(needed, this.line.length * 2)));
    grown.set(this.line.subarray(0, this.lineLength));
    this.line = grown;
  }

  /**
   * The line `line[0, n)`. Most lines (headers other than the two framing ones, body lines
   * while seeking a status line) are told apart by their bytes and never become strings.
   */
  private onLine(n: number): string | null {
    const line = this.line;
    switch (this.state) {
      case 'status':
      case 'seek': {
        if (!startsWith(line, n, HTTP_1)) {
          if (n > 0) this.state = 'seek';
          return null;
        }
        const m = /^HTTP\/1\.\d\s+(\d{3})(?:\s|$)/.exec(latin1(line, n));
        if (m === null) {
          // Blank lines between responses are tolerated; anything else waits for a status line.
          if (n > 0) this.state = 'seek';
          return null;
        }
        this.code = Number(m[1]);
        this.contentLength = null;
        this.chunked = false;
        this.state = 'headers';
        this.responses++;
        return m[1];
      }
      case 'headers': {
        if (n === 0) {
          this.startBody();
          return null;
        }
        if (!framingHeader(line, n)) return null;
        const text = latin1(line, n);
        const colon = text.indexOf(':');
        if (colon < 0) return null;
        const name = text.slice(0, colon).trim().toLowerCase();
        const value = text.slice(colon + 1).trim();
        if (name === 'content-length' && /^\d+$/.test(value)) this.contentLength = Number(value);
        if (name === 'transfer-encoding' && /chunked/i.test(value)) this.chunked = true;
        return null;
      }
      case 'chunk-size': {
        const size = parseInt(latin1(line, n).split(';')[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) {
          this.state = 'seek';
          return null;
        }
        if (size === 0) this.state = 'trailers';
        else {
          this.remaining = size;
          this.state = 'chunk-data';
        }
        return null;
      }
      case 'chunk-end':
        this.state = 'chunk-size';
        return null;
      case 'trailers':
        if (n === 0) this.state = 'status';
        return null;
      default:
        return null;
    }
  }

  private startBody(): void {
    const bodyless = (this.code >= 100 && this.code < 200) || this.code === 204 || this.code === 304;
    if (bodyless) this.state = 'status';
    else if (this.chunked) this.state = 'chunk-size';
    else if (this.contentLength !== null) {
      this.remaining = this.contentLength;
      this.state = this.contentLength > 0 ? 'body' : 'status';
    } else {
      this.state = 'seek';
    }
  }
}

const HTTP_1 = 'HTTP/1.';

function startsWith(b: Uint8Array, n: number, prefix: string): boolean {
  if (n < prefix.length) return false;
  for (let j = 0; j < prefix.length; j++) if (b[j] !== prefix.charCodeAt(j)) return false;
  return true;
}

/** What String.prototype.trim removes, among latin1 characters. */
function isTrimmed(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

/**
 * Whether the header line `b[0, n)` is named Content-Length or Transfer-Encoding as
 * `text.slice(0, colon).trim().toLowerCase()` reads it (only A-Z lower-case to ASCII in latin1).
 */
function framingHeader(b: Uint8Array, n: number): boolean {
  let colon = -1;
  for (let k = 0; k < n; k++) if (b[k] === 0x3a) { colon = k; break; }
  if (colon < 0) return false;
  let start = 0;
  let end = colon;
  while (start < end && isTrimmed(b[start])) start++;
  while (end > start && isTrimmed(b[end - 1])) end--;
  return nameIs(b, start, end, 'content-length') || nameIs(b, start, end, 'transfer-encoding');
}

function nameIs(b: Uint8Array, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let j = 0; j < lower.length; j++) {
    const c = b[start + j];
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(j)) return false;
  }
  return true;
}

function latin1(bytes: Uint8Array, length: number): string {
  return length === 0 ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('latin1');
}
