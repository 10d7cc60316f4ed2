/** ASCII lower-case table: case-insensitive compare without converting the packet. */
export const LOWER = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = i >= 0x41 && i <= 0x5a ? i + 0x20 : i;
  return t;
})();

export function toLowerBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = LOWER[bytes[i]];
  return out;
}

/**
 * First index >= from where `needle` occurs with its end <= `end`, or -1. With nocase, `needle`
 * must already be lower-case. Case-sensitive search uses Buffer's native indexOf on a view.
 */
export function findPattern(hay: Uint8Array, needle: Uint8Array, nocase: boolean, from: number, end: number): number {
  const n = needle.length;
  if (from < 0) from = 0;
  if (end > hay.length) end = hay.length;
  if (end - from < n) return -1;
  if (!nocase) {
    return Buffer.from(hay.buffer, hay.byteOffset, end).indexOf(needle, from);
  }
  const first = needle[0];
  const last = end - n;
  outer: for (let i = from; i <= last; i++) {
    if (LOWER[hay[i]] !== first) continue;
    for (let j = 1; j < n; j++) if (LOWER[hay[i + j]] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
