/**
 * Incremental HTTP/1.x request parser over the reassembled client-to-server byte stream.
 *
 * Grammar accepted (lenient, as an IDS must be):
 *   request      = *( CRLF ) request-line *( header-line ) CRLF [ body ]
 *   request-line = method 1*WS uri [ 1*WS version ] EOL     ; no version: HTTP/0.9, no headers
 *   header-line  = name ":" *WS value EOL / 1*WS value EOL   ; the second form is appended to the previous value
 *   body         = Content-Length bytes / chunked (chunk-size [";" ext] EOL data EOL ... "0" EOL trailers EOL)
 *   EOL          = CRLF / LF
 *
 * Several requests may follow each other on one connection (pipelining); each is returned once
 * its body is complete. Every bound (line, header count, header block, stored body) turns excess
 * into a counted anomaly, never an exception. Buffers are those Suricata inspects (see README).
 */

import { normalizeUri, splitAbsoluteUri, UriNormalizerOptions, DEFAULT_URI_NORMALIZER_OPTIONS } from './uri-normalizer';

export type HttpBufferName =
  | 'http_method' | 'http_uri' | 'http_raw_uri' | 'http_header' | 'http_raw_header'
  | 'http_cookie' | 'http_client_body' | 'http_user_agent' | 'http_host';

export const HTTP_ANOMALIES = [
  'invalid-request-line', 'request-line-too-long', 'header-line-too-long', 'invalid-header', 'folded-header',
  'too-many-headers', 'header-block-too-large', 'invalid-content-length', 'invalid-chunk-size', 'body-truncated',
  'incomplete',
] as const;
export type HttpAnomaly = typeof HTTP_ANOMALIES[number];

export interface HttpHeader {
  /** Name and value as latin1 strings; the value without surrounding blanks. */
  readonly name: string;
  readonly value: string;
}

export interface HttpRequest {
  readonly method: string;
  /** The request-line URI as sent. */
  readonly rawUri: string;
  /** `HTTP/1.1`, or '' for an HTTP/0.9 request line. */
  readonly version: string;
  readonly headers: readonly HttpHeader[];
  /** Values of these headers, several of one name merged with ", " (null when absent). */
  readonly host: string | null;
  readonly userAgent: string | null;
  readonly cookie: string | null;
  readonly contentLength: number | null;
  readonly chunked: boolean;
  /** Body bytes seen (stored ones are capped by `maxBodyBytes`). */
  readonly bodyLength: number;
  /** False when the stream ended before the request did (`end()`). */
  readonly complete: boolean;
  readonly anomalies: readonly HttpAnomaly[];
  /** The inspection buffers; null where the request has none (no cookie, no body, ...). */
  readonly buffers: Readonly<Record<HttpBufferName, Uint8Array | null>>;
}

export interface HttpRequestParserOptions {
  readonly maxLineBytes: number;
  readonly maxHeaders: number;
  readonly maxHeaderBytes: number;
  /** Body bytes kept for `http_client_body` (Suricata's `request-body-limit`). */
  readonly maxBodyBytes: number;
  readonly uri: UriNormalizerOptions;
}

export const DEFAULT_HTTP_REQUEST_PARSER_OPTIONS: HttpRequestParserOptions = {
  maxLineBytes: 8192,
  maxHeaders: 256,
  maxHeaderBytes: 65_536,
  maxBodyBytes: 100 * 1024,
  uri: DEFAULT_URI_NORMALIZER_OPTIONS,
};

type State = 'line' | 'headers' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers';

const NO_BYTES = new Uint8Array(0);
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;

/** One parser per connection: its counters are copied from this template, not rebuilt. */
const ZERO_COUNTERS = Object.fromEntries([...HTTP_ANOMALIES, 'requests'].map((k) => [k, 0])) as Record<HttpAnomaly | 'requests', number>;

class RequestBuilder {
  method = '';
  rawUri = NO_BYTES;
  version = '';
  headers: { name: string; value: string }[] = [];
  /** The raw header block as sent: `rawHeader[0, rawHeaderBytes)`, grown by doubling. */
  rawHeader: Uint8Array = NO_BYTES;
  rawHeaderBytes = 0;
  /** Header lines seen, the empty line ending the block excluded. */
  rawHeaderLines = 0;
  body: Uint8Array[] = [];
  storedBody = 0;
  bodyLength = 0;
  contentLength: number | null = null;
  chunked = false;
  anomalies: HttpAnomaly[] = [];
  started = false;
}

export class HttpRequestParser {
  readonly counters: Record<HttpAnomaly | 'requests', number> = { ...ZERO_COUNTERS };
  private state: State = 'line';
  private line: Uint8Array;
  private lineLength = 0;
  private lineOverflow = false;
  private remaining = 0;
  private req = new RequestBuilder();

  constructor(private readonly options: HttpRequestParserOptions = DEFAULT_HTTP_REQUEST_PARSER_OPTIONS) {
    this.line = new Uint8Array(Math.min(options.maxLineBytes, 256));
  }

  /** Feeds the next stream bytes; returns the requests they completed, in order. */
  push(data: Uint8Array): HttpRequest[] {
    // Most pushes (body segments, parts of a request) complete nothing: no array for them.
    let done = NO_REQUESTS;
    let i = 0;
    while (i < data.length) {
      if (this.state === 'body' || this.state === 'chunk-data') {
        const n = Math.min(this.remaining, data.length - i);
        this.addBody(data.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) {
          if (this.state === 'body') done = appended(done, this.finish(true));
          else this.state = 'chunk-end';
        }
        continue;
      }
      const lf = data.indexOf(LF, i);
      const end = lf < 0 ? data.length : lf;
      this.appendLine(data, i, end);
      if (lf < 0) break;
      i = lf + 1;
      const crlf = this.lineLength > 0 && this.line[this.lineLength - 1] === CR && !this.lineOverflow;
      const text = this.line.subarray(0, crlf ? this.lineLength - 1 : this.lineLength);
      const r = this.onLine(text, crlf ? 2 : 1);
      this.lineLength = 0;
      this.lineOverflow = false;
      if (r !== null) done = appended(done, r);
    }
    return done;
  }

  /** The stream ended: returns the request in progress, if any, marked incomplete. */
  end(): HttpRequest[] {
    if (!this.req.started && this.state === 'line' && this.lineLength > 0) {
      const text = this.line.slice(0, this.lineLength);
      this.lineLength = 0;
      const r = this.requestLine(text);
      if (r !== null) return [r];
    }
    this.lineLength = 0;
    if (!this.req.started) return [];
    this.anomaly('incomplete');
    return [this.finish(false)];
  }

  private onLine(text: Uint8Array, eolBytes: number): HttpRequest | null {
    switch (this.state) {
      case 'line':
        if (text.length === 0 && !this.lineOverflow) return null; // blank lines between requests
        return this.requestLine(text);
      case 'headers':
        this.addRawHeader(text, eolBytes);
        if (text.length === 0) return this.endOfHeaders();
        this.headerLine(text);
        return null;
      case 'chunk-size':
        return this.chunkSize(text);
      case 'chunk-end':
        this.state = 'chunk-size';
        return null;
      case 'trailers':
        return text.length === 0 ? this.finish(true) : null;
      default:
        return null;
    }
  }

  private requestLine(text: Uint8Array): HttpRequest | null {
    const req = this.req;
    req.started = true;
    if (this.lineOverflow) this.anomaly('request-line-too-long');
    const tokens = splitBlanks(text);
    if (tokens.length < 2) {
      // Not a request (a lone word, or junk on the stream): counted, nothing emitted.
      this.counters['invalid-request-line']++;
      this.req = new RequestBuilder();
      return null;
    }
    req.method = latin1(text.subarray(tokens[0][0], tokens[0][1]));
    const last = tokens[tokens.length - 1];
    const lastText = latin1(text.subarray(last[0], last[1]));
    if (tokens.length === 2 || !lastText.toUpperCase().startsWith('HTTP/')) {
      if (tokens.length > 2) this.anomaly('invalid-request-line');
      // HTTP/0.9 (or garbage): the rest of the line is the URI and no headers follow.
      req.rawUri = text.slice(tokens[1][0], last[1]);
      return this.finish(true);
    }
    req.rawUri = text.slice(tokens[1][0], tokens[tokens.length - 2][1]);
    req.version = lastText;
    this.state = 'headers';
    return null;
  }

  private headerLine(text: Uint8Array): void {
    const req = this.req;
    if (this.lineOverflow) this.anomaly('header-line-too-long');
    if (text[0] === SP || text[0] === HT) {
      this.anomaly('folded-header');
      const prev = req.headers[req.headers.length - 1];
      // libhtp appends the continuation line with its leading blanks (Suricata 7.0.10: "a\r\n  b" is "a  b").
      if (prev !== undefined) prev.value = `${prev.value}${latin1(trimTrailingBlanks(text))}`;
      return;
    }
    const colon = text.indexOf(0x3a);
    if (colon <= 0) { this.anomaly('invalid-header'); return; }
    if (req.headers.length >= this.options.maxHeaders) { this.anomaly('too-many-headers'); return; }
    // One string per line; name and value are slices of it (bytes and chars are 1:1 in latin1).
    const line = latin1(text);
    req.headers.push({ name: trimmedSlice(line, 0, colon), value: trimmedSlice(line, colon + 1, line.length) });
  }

  private endOfHeaders(): HttpRequest | null {
    const req = this.req;
    const te = req.headers.filter((h) => h.name.toLowerCase() === 'transfer-encoding').map((h) => h.value.toLowerCase());
    if (te.some((v) => v.includes('chunked'))) {
      req.chunked = true;
      this.state = 'chunk-size';
      return null;
    }
    const cl = req.headers.find((h) => h.name.toLowerCase() === 'content-length');
    if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl.value)) {
        this.anomaly('invalid-content-length');
      } else {
        req.contentLength = Number(cl.value);
        if (req.contentLength > 0) {
          this.state = 'body';
          this.remaining = req.contentLength;
          return null;
        }
      }
    }
    return this.finish(true);
  }

  private chunkSize(text: Uint8Array): HttpRequest | null {
    const s = latin1(text).split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(s)) {
      // The framing is lost: give the request up as it is and look for a new request line.
      this.anomaly('invalid-chunk-size');
      return this.finish(true);
    }
    const size = parseInt(s, 16);
    if (size === 0) { this.state = 'trailers'; return null; }
    this.state = 'chunk-data';
    this.remaining = size;
    return null;
  }

  /** Appends `data[start, end)` to the line (up to maxLineBytes). */
  private appendLine(data: Uint8Array, start: number, end: number): void {
    const room = this.options.maxLineBytes - this.lineLength;
    if (end - start > room) this.lineOverflow = true;
    const take = Math.min(room, end - start);
    if (take <= 0) return;
    if (this.lineLength + take > this.line.length) {
      const grown = new Uint8Array(Math.min(this.options.maxLineBytes, Math.max(this.line.length * 2, this.lineLength + take)));
      grown.set(this.line.subarray(0, this.lineLength));
      this.line = grown;
    }
    // Header lines are short: a byte loop spares a view of the caller's Buffer per line.
    if (take <= 64) {
      const line = this.line;
      for (let k = 0, o = this.lineLength; k < take; k++) line[o + k] = data[start + k];
    } else {
      this.line.set(data.subarray(start, start + take), this.lineLength);
    }
    this.lineLength += take;
  }

  private addRawHeader(text: Uint8Array, eolBytes: number): void {
    const req = this.req;
    const size = text.length + eolBytes;
    if (req.rawHeaderBytes + size > this.options.maxHeaderBytes) { this.anomaly('header-block-too-large'); return; }
    const at = req.rawHeaderBytes;
    if (at + size > req.rawHeader.length) {
      const grown = new Uint8Array(Math.min(this.options.maxHeaderBytes, Math.max(512, req.rawHeader.length * 2, at + size)));
      grown.set(req.rawHeader.subarray(0, at));
      req.rawHeader = grown;
    }
    req.rawHeader.set(text, at);
    if (eolBytes === 2) req.rawHeader[at + text.length] = CR;
    req.rawHeader[at + size - 1] = LF;
    req.rawHeaderBytes += size;
    if (text.length > 0) req.rawHeaderLines++;
  }

  private addBody(part: Uint8Array): void {
    const req = this.req;
    req.bodyLength += part.length;
    const room = this.options.maxBodyBytes - req.storedBody;
    if (part.length > room) this.anomaly('body-truncated');
    if (room <= 0) return;
    const keep = part.subarray(0, room).slice();
    req.body.push(keep);
    req.storedBody += keep.length;
  }

  /** Records an anomaly once per request. */
  private anomaly(a: HttpAnomaly): void {
    if (this.req.anomalies.includes(a)) return;
    this.req.anomalies.push(a);
    this.counters[a]++;
  }

  private finish(complete: boolean): HttpRequest {
    const req = this.req;
    this.req = new RequestBuilder();
    this.state = 'line';
    this.remaining = 0;
    this.counters.requests++;
    const merged = mergeHeaders(req.headers);
    const value = (name: string): string | null => merged.find((h) => h.name.toLowerCase() === name)?.value ?? null;
    const uriOptions = this.options.uri;
    let buffers: Record<HttpBufferName, Uint8Array | null> | null = null;
    return {
      method: req.method,
      rawUri: latin1(req.rawUri),
      version: req.version,
      headers: req.headers,
      host: value('host'),
      userAgent: value('user-agent'),
      cookie: value('cookie'),
      contentLength: req.contentLength,
      chunked: req.chunked,
      bodyLength: req.bodyLength,
      complete,
      anomalies: req.anomalies,
      // Built on first read: a request no rule inspects a buffer of (the engine reads only the
      // buffers some rule has a fast pattern in) costs no URI normalisation and no copies.
      get buffers() {
        buffers ??= buildBuffers(req, merged, uriOptions);
        return buffers;
      },
    };
  }
}

/** What push returns when no request completed; never mutated. */
const NO_REQUESTS: HttpRequest[] = [];

function appended(list: HttpRequest[], r: HttpRequest): HttpRequest[] {
  if (list === NO_REQUESTS) return [r];
  list.push(r);
  return list;
}

function buildBuffers(req: RequestBuilder, merged: readonly HttpHeader[], uriOptions: UriNormalizerOptions): Record<HttpBufferName, Uint8Array | null> {
  const value = (name: string): string | null => merged.find((h) => h.name.toLowerCase() === name)?.value ?? null;
  // Suricata's http_header: "Name: value\r\n" per header, trailing blanks removed, Cookie left to http_cookie.
  const headerLines = merged.filter((h) => h.name.toLowerCase() !== 'cookie').map((h) => `${h.name}: ${h.value}\r\n`).join('');
  const cookie = value('cookie');
  const userAgent = value('user-agent');
  const { authority } = splitAbsoluteUri(req.rawUri);
  // As Suricata 7 (libhtp) fills http_host: the URI's host, lower-cased, else the (merged) Host
  // value cut at its port separator, case kept ("A.B:81, C.d" gives "A.B").
  const host = authority !== null
    ? stripPort(latin1(authority).replace(/^[^@]*@/, '')).toLowerCase()
    : nullable(value('host'), stripPort);
  return {
    http_method: req.method.length > 0 ? bytesOf(req.method) : null,
    http_uri: req.rawUri.length > 0 ? normalizeUri(req.rawUri, uriOptions) : null,
    http_raw_uri: req.rawUri.length > 0 ? req.rawUri : null,
    http_header: headerLines.length > 0 ? bytesOf(headerLines) : null,
    // The block as sent, its ending empty line included; a request without header lines has none.
    http_raw_header: req.rawHeaderLines > 0 ? req.rawHeader.slice(0, req.rawHeaderBytes) : null,
    http_cookie: cookie === null ? null : bytesOf(cookie),
    http_user_agent: userAgent === null ? null : bytesOf(userAgent),
    http_host: host === null ? null : bytesOf(host),
    http_client_body: req.storedBody > 0 ? concat(req.body, req.storedBody) : null,
  };
}

/** Headers of one name joined with ", " at the first one's place, as libhtp does. */
function mergeHeaders(headers: readonly HttpHeader[]): HttpHeader[] {
  const out: { name: string; value: string }[] = [];
  const byName = new Map<string, { name: string; value: string }>();
  for (const h of headers) {
    const key = h.name.toLowerCase();
    const seen = byName.get(key);
    if (seen !== undefined) { seen.value = `${seen.value}, ${h.value}`; continue; }
    const copy = { name: h.name, value: h.value };
    byName.set(key, copy);
    out.push(copy);
  }
  return out;
}

/** `host:port...` to `host`; `[v6]:port` to `[v6]`. */
function stripPort(host: string): string {
  const h = host.trim();
  if (h.startsWith('[')) { const end = h.indexOf(']'); return end < 0 ? h : h.slice(0, end + 1); }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function nullable<T, R>(v: T | null, f: (v: T) => R): R | null {
  return v === null ? null : f(v);
}

/** [start, end) of each run of non-blank bytes. */
function splitBlanks(text: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === SP || text[i] === HT)) i++;
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && text[i] !== SP && text[i] !== HT) i++;
    out.push([start, i]);
  }
  return out;
}

/** `s[start, end)` without leading blanks (SP, HT) and trailing blanks or CR. */
function trimmedSlice(s: string, start: number, end: number): string {
  let a = start;
  let e = end;
  while (a < e && (s.charCodeAt(a) === SP || s.charCodeAt(a) === HT)) a++;
  while (e > a && (s.charCodeAt(e - 1) === SP || s.charCodeAt(e - 1) === HT || s.charCodeAt(e - 1) === CR)) e--;
  return s.slice(a, e);
}

function trimTrailingBlanks(b: Uint8Array): Uint8Array {
  let e = b.length;
  while (e > 0 && (b[e - 1] === SP || b[e - 1] === HT || b[e - 1] === CR)) e--;
  return b.subarray(0, e);
}

function latin1(b: Uint8Array): string {
  // Short strings: fromCharCode needs no Buffer view (measured faster up to ~40 bytes, slower above).
  if (b.length <= 48) return String.fromCharCode.apply(null, b as unknown as number[]);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
