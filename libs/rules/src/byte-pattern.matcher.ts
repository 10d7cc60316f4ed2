// Kept module-private: a reference to an exported const compiles to `exports.X`, a property load
// in the innermost loop.
const LOWER_TABLE = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = i >= 0x41 && i <= 0x5a ? i + 0x20 : i;
  return t;
})();

/** ASCII lower-case table: case-insensitive compare without converting the packet. */
export const LOWER: Readonly<Uint8Array> = LOWER_TABLE;

export function toLowerBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = LOWER_TABLE[bytes[i]];
  return out;
}

/** Below this window a JS loop beats the native call (and the Buffer view it needs). */
const NATIVE_MIN_WINDOW = 256;

/**
 * First index >= from where `needle` occurs with its end <= `end`, or -1. With nocase, `needle`
 * must already be lower-case. Long case-sensitive windows use Buffer's native indexOf.
 */
export function findPattern(hay: Uint8Array, needle: Uint8Array, nocase: boolean, from: number, end: number): number {
  const n = needle.length;
  if (from < 0) from = 0;
  if (end > hay.length) end = hay.length;
  const last = end - n;
  if (last < from) return -1;
  if (nocase) return findNocase(hay, needle, from, last);
  if (end - from >= NATIVE_MIN_WINDOW) {
    const buf = hay instanceof Buffer && end === hay.length ? hay : Buffer.from(hay.buffer, hay.byteOffset, end);
    return buf.indexOf(needle, from);
  }
  const first = needle[0];
  for (let i = from; i <= last; i++) {
    if (hay[i] !== first) continue;
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

function findNocase(hay: Uint8Array, needle: Uint8Array, from: number, last: number): number {
  const lower = LOWER_TABLE;
  const n = needle.length;
  const first = needle[0];
  for (let i = from; i <= last; i++) {
    if (lower[hay[i]] !== first) continue;
    let j = 1;
    while (j < n && lower[hay[i + j]] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}
