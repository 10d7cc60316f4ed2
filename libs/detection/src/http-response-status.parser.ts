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
      const text = latin1(this.line, n);
      this.lineLength = 0;
      const overflow = this.lineOverflow;
      this.lineOverflow = false;
      const code = overflow ? null : this.onLine(text);
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

  private onLine(text: string): string | null {
    switch (this.state) {
      case 'status':
      case 'seek': {
        const m = /^HTTP\/1\.\d\s+(\d{3})(?:\s|$)/.exec(text);
        if (m === null) {
          // Blank lines between responses are tolerated; anything else waits for a status line.
          if (text !== '') this.state = 'seek';
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
        if (text === '') {
          this.startBody();
          return null;
        }
        const colon = text.indexOf(':');
        if (colon < 0) return null;
        const name = text.slice(0, colon).trim().toLowerCase();
        const value = text.slice(colon + 1).trim();
        if (name === 'content-length' && /^\d+$/.test(value)) this.contentLength = Number(value);
        if (name === 'transfer-encoding' && /chunked/i.test(value)) this.chunked = true;
        return null;
      }
      case 'chunk-size': {
        const size = parseInt(text.split(';')[0].trim(), 16);
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
        if (text === '') this.state = 'status';
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

function latin1(bytes: Uint8Array, length: number): string {
  return length === 0 ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('latin1');
}
