// Deterministic flow identifiers: the same flow key and first-packet time give the same ids on
// every runtime and on every replay.

/** cyrb53 (public domain): a fast 53-bit string hash; the result is a safe integer. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(value: number, width: number): string {
  let text = '';
  for (let i = 0; i < width; i++) {
    text = BASE62[value % 62] + text;
    value = Math.floor(value / 62);
  }
  return text;
}

/** Zeek-style uid: 'C' and 17 base62 characters (about 101 bits) from the key and first timestamp. */
export function flowUid(key: string, firstTsUs: number): string {
  const text = `${key}@${firstTsUs}`;
  return 'C' + base62(hash53(text, 1), 9) + base62(hash53(text, 2), 8);
}

/** EVE-style numeric flow id: 1 <= id < 2^53, so it survives JSON and Avro long without loss. */
export function flowNumericId(key: string, firstTsUs: number): number {
  return hash53(`${key}@${firstTsUs}`, 0) || 1;
}
