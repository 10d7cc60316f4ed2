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
const BASE62_CODES = Array.from(BASE62, (c) => c.charCodeAt(0));
/** Character codes of a uid under construction: one string made at the end, not one per digit. */
const uidCodes: number[] = new Array<number>(18).fill(67); // 'C'

/** 'C', then `a` in 9 and `b` in 8 base62 digits, most significant first. */
function uidText(a: number, b: number): string {
  for (let i = 9; i >= 1; i--) {
    uidCodes[i] = BASE62_CODES[a % 62];
    a = Math.floor(a / 62);
  }
  for (let i = 17; i >= 10; i--) {
    uidCodes[i] = BASE62_CODES[b % 62];
    b = Math.floor(b / 62);
  }
  return String.fromCharCode.apply(null, uidCodes);
}

/** Zeek-style uid: 'C' and 17 base62 characters (about 101 bits) from the key and first timestamp. */
export function flowUid(key: string, firstTsUs: number): string {
  const text = `${key}@${firstTsUs}`;
  return uidText(hash53(text, 1), hash53(text, 2));
}

/** EVE-style numeric flow id: 1 <= id < 2^53, so it survives JSON and Avro long without loss. */
export function flowNumericId(key: string, firstTsUs: number): number {
  return hash53(`${key}@${firstTsUs}`, 0) || 1;
}

/** `flowUid` and `flowNumericId` together, over one text (a flow opening needs both). */
export function flowIds(key: string, firstTsUs: number): { uid: string; flowId: number } {
  const text = `${key}@${firstTsUs}`;
  return { uid: uidText(hash53(text, 1), hash53(text, 2)), flowId: hash53(text, 0) || 1 };
}
