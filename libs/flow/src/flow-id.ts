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
  return finish53(h1, h2);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62_CODES = Array.from(BASE62, (c) => c.charCodeAt(0));
/** Character codes of a uid under construction: one string made at the end, not one per digit. */
const uidCodes: number[] = new Array<number>(18).fill(67); // 'C'

/** 'C', then `a` in 9 and `b` in 8 base62 digits, most significant first (`a`, `b`: integers below 2^53). */
function uidText(a: number, b: number): string {
  putBase62(a, 9);
  putBase62(b, 17);
  return String.fromCharCode.apply(null, uidCodes);
}

const LIMB = 2 ** 24;

/**
 * The base62 digits of `n` (an integer below 2^53) into uidCodes, last digit at `last`, as many
 * as fit down to the previous field. In two 24-bit-or-so limbs, so every step is an int32
 * division (a double `%` is a call to fmod, most of the time of a flow's ids); the digits are
 * those of `n % 62`, `Math.floor(n / 62)` on the double, which is exact below 2^53.
 */
function putBase62(n: number, last: number): void {
  let hi = Math.floor(n / LIMB);
  let lo = n - hi * LIMB;
  for (let i = last; i > last - (last === 9 ? 9 : 8); i--) {
    const qh = (hi / 62) | 0;
    const cur = (hi - qh * 62) * LIMB + lo;
    const ql = (cur / 62) | 0;
    uidCodes[i] = BASE62_CODES[cur - ql * 62];
    hi = qh;
    lo = ql;
  }
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

/** `flowUid` and `flowNumericId` together (a flow opening needs both): one pass over the text for the three hashes. */
export function flowIds(key: string, firstTsUs: number): { uid: string; flowId: number } {
  hash53x3(key, `@${firstTsUs}`);
  return { uid: uidText(hashes[1], hashes[2]), flowId: hashes[0] || 1 };
}

/** Results of `hash53x3`: hash53 of the text with seeds 0, 1 and 2. */
const hashes = new Float64Array(3);

/** `hash53(head + tail, seed)` for seeds 0, 1 and 2 at once, without joining the strings. */
function hash53x3(head: string, tail: string): void {
  let a1 = 0xdeadbeef;
  let a2 = 0x41c6ce57;
  let b1 = 0xdeadbeef ^ 1;
  let b2 = 0x41c6ce57 ^ 1;
  let c1 = 0xdeadbeef ^ 2;
  let c2 = 0x41c6ce57 ^ 2;
  for (let part = 0; part < 2; part++) {
    const text = part === 0 ? head : tail;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      a1 = Math.imul(a1 ^ ch, 2654435761);
      a2 = Math.imul(a2 ^ ch, 1597334677);
      b1 = Math.imul(b1 ^ ch, 2654435761);
      b2 = Math.imul(b2 ^ ch, 1597334677);
      c1 = Math.imul(c1 ^ ch, 2654435761);
      c2 = Math.imul(c2 ^ ch, 1597334677);
    }
  }
  hashes[0] = finish53(a1, a2);
  hashes[1] = finish53(b1, b2);
  hashes[2] = finish53(c1, c2);
}

/** cyrb53's final mix of its two lanes. */
function finish53(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
