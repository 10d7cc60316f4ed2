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

export class HttpResponseStatusParser {
  private state: State = 'status';
  private line: number[] = [];
  private lineOverflow = false;
  private remaining = 0;
  private contentLength: number | null = null;
  private chunked = false;
  private code = 0;
  responses = 0;

  /** Feeds the next server-to-client stream bytes; returns the status codes (`"401"`) whose status line they completed. */
  push(data: Uint8Array): string[] {
    const codes: string[] = [];
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
      for (let j = i; j < end; j++) {
        if (this.line.length < MAX_LINE_BYTES) this.line.push(data[j]);
        else this.lineOverflow = true;
      }
      if (lf < 0) break;
      i = lf + 1;
      if (this.line.length > 0 && this.line[this.line.length - 1] === CR) this.line.pop();
      const text = String.fromCharCode(...this.line);
      this.line = [];
      const overflow = this.lineOverflow;
      this.lineOverflow = false;
      const code = overflow ? null : this.onLine(text);
      if (code !== null) codes.push(code);
    }
    return codes;
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
