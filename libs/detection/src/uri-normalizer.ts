/**
 * The normalised request URI of Suricata's `http_uri` buffer, as libhtp builds it with the IDS
 * personality Suricata configures by default (lower-casing turned off, as Suricata does):
 *
 * - an absolute URI (`http://host/p`) keeps only path and query (Suricata's `uri-include-all: no`);
 * - path: `%XX` decoded (`%2f` too: separators are decoded), `%uXXXX` decoded (a code point above
 *   0xff maps by best fit: full-width ASCII to ASCII, else `?`), `\` becomes `/`, runs of `/`
 *   collapse, valid UTF-8 sequences become one byte by the same best fit, then `.` and `..`
 *   segments are removed (as libhtp does, a final `.` or `..` leaves no trailing slash);
 * - query: `%XX` decoded, nothing else (`%u` and `+` stay; Suricata's query callback);
 * - an invalid `%` escape is kept as it is (libhtp's default "preserve percent").
 *
 * Checked against Suricata 7.0.10 (`http.uri` captured with pcre flowvars): see the spec cases.
 *
 * `http_raw_uri` is the request-line URI untouched.
 */

export interface UriNormalizerOptions {
  readonly decodeUEncoding: boolean;
  readonly backslashToSlash: boolean;
  readonly compressSlashes: boolean;
  readonly utf8BestFit: boolean;
}

export const DEFAULT_URI_NORMALIZER_OPTIONS: UriNormalizerOptions = {
  decodeUEncoding: true,
  backslashToSlash: true,
  compressSlashes: true,
  utf8BestFit: true,
};

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const QUESTION = 0x3f;
const DOT = 0x2e;

/** Splits `scheme://authority/path?q` into the authority and the rest; a relative URI has no authority. */
export function splitAbsoluteUri(raw: Uint8Array): { authority: Uint8Array | null; pathAndQuery: Uint8Array } {
  const sep = indexOfSchemeSeparator(raw);
  if (sep < 0) return { authority: null, pathAndQuery: raw };
  const authStart = sep + 3;
  let end = authStart;
  while (end < raw.length && raw[end] !== SLASH && raw[end] !== QUESTION) end++;
  return { authority: raw.subarray(authStart, end), pathAndQuery: raw.subarray(end) };
}

export function normalizeUri(raw: Uint8Array, options: UriNormalizerOptions = DEFAULT_URI_NORMALIZER_OPTIONS): Uint8Array {
  const { pathAndQuery } = splitAbsoluteUri(raw);
  const q = pathAndQuery.indexOf(QUESTION);
  const rawPath = q < 0 ? pathAndQuery : pathAndQuery.subarray(0, q);
  let path = decodePercent(rawPath, options, true);
  if (options.utf8BestFit) path = utf8BestFit(path);
  path = removeDotSegments(path);
  if (q < 0) return path;
  const query = decodePercent(pathAndQuery.subarray(q + 1), { ...options, decodeUEncoding: false }, false);
  const out = new Uint8Array(path.length + 1 + query.length);
  out.set(path);
  out[path.length] = QUESTION;
  out.set(query, path.length + 1);
  return out;
}

function decodePercent(src: Uint8Array, options: UriNormalizerOptions, isPath: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    let c = src[i];
    if (c === PERCENT) {
      const hi = hex(src[i + 1]);
      const lo = hex(src[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = (hi << 4) | lo;
        i += 2;
      } else if (options.decodeUEncoding && (src[i + 1] === 0x75 || src[i + 1] === 0x55)) {
        const d = [hex(src[i + 2]), hex(src[i + 3]), hex(src[i + 4]), hex(src[i + 5])];
        if (d.every((x) => x >= 0)) {
          c = bestFit((d[0] << 12) | (d[1] << 8) | (d[2] << 4) | d[3]);
          i += 5;
        }
      }
    }
    if (isPath) {
      if (c === BACKSLASH && options.backslashToSlash) c = SLASH;
      if (c === SLASH && options.compressSlashes && o > 0 && out[o - 1] === SLASH) continue;
    }
    out[o++] = c;
  }
  return out.subarray(0, o);
}

/** A Unicode code point as one byte: itself below 0x100, full-width ASCII as ASCII, else `?`. */
function bestFit(cp: number): number {
  if (cp < 0x100) return cp;
  if (cp >= 0xff01 && cp <= 0xff5e) return cp - 0xff01 + 0x21;
  return QUESTION;
}

/** Replaces each valid 2-4 byte UTF-8 sequence with its best-fit byte; invalid bytes stay. */
function utf8BestFit(src: Uint8Array): Uint8Array {
  let multi = false;
  for (const b of src) if (b >= 0x80) { multi = true; break; }
  if (!multi) return src;
  const out = new Uint8Array(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
    let cp = len === 2 ? b & 0x1f : len === 3 ? b & 0x0f : b & 0x07;
    let ok = len > 1 && i + len <= src.length;
    for (let k = 1; ok && k < len; k++) {
      const cb = src[i + k];
      if ((cb & 0xc0) !== 0x80) ok = false; else cp = (cp << 6) | (cb & 0x3f);
    }
    // Overlong 3- and 4-byte forms are not valid UTF-8: keep their bytes.
    if (ok && ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff)))) ok = false;
    if (!ok) { out[o++] = b; continue; }
    out[o++] = bestFit(cp);
    i += len - 1;
  }
  return out.subarray(0, o);
}

/**
 * RFC 3986 5.2.4 remove_dot_segments over bytes, except that (as in libhtp) a path ending in `.`
 * or `..` keeps no trailing slash: `/a/b/..` is `/a`.
 */
export function removeDotSegments(path: Uint8Array): Uint8Array {
  const absolute = path[0] === SLASH;
  const segs: Uint8Array[] = [];
  for (let i = absolute ? 1 : 0; i <= path.length;) {
    let j = path.indexOf(SLASH, i);
    if (j < 0) j = path.length;
    const seg = path.subarray(i, j);
    const dot = seg.length === 1 && seg[0] === DOT;
    const dotDot = seg.length === 2 && seg[0] === DOT && seg[1] === DOT;
    if (dotDot) segs.pop();
    if (!dot && !dotDot) segs.push(seg);
    i = j + 1;
  }
  const parts: number[] = absolute ? [SLASH] : [];
  segs.forEach((seg, k) => {
    if (k > 0) parts.push(SLASH);
    for (const b of seg) parts.push(b);
  });
  return Uint8Array.from(parts);
}

function indexOfSchemeSeparator(raw: Uint8Array): number {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by "://"
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    const alpha = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    if (alpha || (i > 0 && ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === DOT))) continue;
    return i > 0 && c === 0x3a && raw[i + 1] === SLASH && raw[i + 2] === SLASH ? i : -1;
  }
  return -1;
}

function hex(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}
