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
/**
 * The characters of a uid under construction, a byte each: one string made at the end, not one
 * per digit, and from bytes (one latin1 decode) rather than by fromCharCode.apply, 2-3x dearer.
 */
const uidCodes = Buffer.alloc(18, 67); // 'C'

/** 'C', then `a` in 9 and `b` in 8 base62 digits, most significant first (`a`, `b`: integers below 2^53). */
function uidText(a: number, b: number): string {
  putBase62(a, 9);
  putBase62(b, 17);
  return uidCodes.toString('latin1', 0, 18);
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
  const text = scratch;
  text.clear();
  text.string(key);
  text.idsOf(firstTsUs);
  return { uid: text.uid(), flowId: text.flowId };
}

/**
 * The text the ids hash, `key@firstTsUs`, built as character codes: a flow keyed by numbers
 * writes its key here (`decimal`, `ipv4`) and gets the key string (`text`) and both ids from the
 * codes, without a string to join, flatten and read back. Reused: `clear` starts the next one.
 */
export class FlowIdText {
  private codes = new Uint16Array(256);
  /** Where `text` puts the codes as bytes, to decode them in one call. */
  private bytes = Buffer.alloc(256);
  /** Reused argument lists for `text`, by length. */
  private readonly args: number[][] = [];
  length = 0;
  /** After `idsOf`: hash53 of the text with seeds 0, 1 and 2. */
  private h0 = 0;
  private h1 = 0;
  private h2 = 0;

  clear(): void {
    this.length = 0;
  }

  char(code: number): void {
    if (this.length === this.codes.length) this.grow();
    this.codes[this.length++] = code;
  }

  string(text: string): void {
    for (let i = 0; i < text.length; i++) this.char(text.charCodeAt(i));
  }

  /** A non-negative integer below 2^31, as String() writes it. */
  decimal(n: number): void {
    const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : decimalDigits(n);
    if (this.length + digits > this.codes.length) this.grow();
    const codes = this.codes;
    // Digits from the last, by int32 division (no double `%`).
    for (let at = this.length + digits - 1; at >= this.length; at--) {
      const q = (n / 10) | 0;
      codes[at] = 48 + n - q * 10;
      n = q;
    }
    this.length += digits;
  }

  /** The dotted quad of a 32-bit address. */
  ipv4(address: number): void {
    if (this.length + 15 > this.codes.length) this.grow();
    this.octet(address >>> 24);
    this.codes[this.length++] = 46;
    this.octet((address >>> 16) & 255);
    this.codes[this.length++] = 46;
    this.octet((address >>> 8) & 255);
    this.codes[this.length++] = 46;
    this.octet(address & 255);
  }

  /** `x` as String() writes it; a safe non-negative integer (a time in µs) without a double-to-text conversion. */
  number(x: number): void {
    if (!Number.isSafeInteger(x) || x < 0) return this.string(String(x));
    const lo = x % 100_000_000;
    const hi = (x - lo) / 100_000_000;
    if (hi === 0) return this.decimal(lo);
    this.decimal(hi);
    if (this.length + 8 > this.codes.length) this.grow();
    const codes = this.codes;
    let n = lo;
    for (let at = this.length + 7; at >= this.length; at--) {
      const q = (n / 10) | 0;
      codes[at] = 48 + n - q * 10;
      n = q;
    }
    this.length += 8;
  }

  /** 0..255 in decimal; room checked by the caller. */
  private octet(n: number): void {
    const codes = this.codes;
    if (n >= 100) {
      const h = (n / 100) | 0;
      const t = ((n - h * 100) / 10) | 0;
      codes[this.length] = 48 + h;
      codes[this.length + 1] = 48 + t;
      codes[this.length + 2] = 48 + n - h * 100 - t * 10;
      this.length += 3;
    } else if (n >= 10) {
      const t = (n / 10) | 0;
      codes[this.length] = 48 + t;
      codes[this.length + 1] = 48 + n - t * 10;
      this.length += 2;
    } else {
      codes[this.length++] = 48 + n;
    }
  }

  /** The codes from `start` to `end` as a string. */
  text(start: number, end: number): string {
    const n = end - start;
    if (n > this.bytes.length) this.bytes = Buffer.alloc(Math.max(n, 2 * this.bytes.length));
    // Keys are ASCII: their string is decoded from bytes in one call (latin1), 2-3x cheaper than
    // fromCharCode.apply. A code above 255 (text given to `string`) takes the general way.
    const bytes = this.bytes;
    const codes = this.codes;
    let high = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[start + i];
      high |= c;
      bytes[i] = c;
    }
    if (high < 256) return bytes.toString('latin1', 0, n);
    // fromCharCode.apply is fast on a plain array of small integers, not on a typed array.
    const args = (this.args[n] ??= Array.from({ length: n }, () => 0));
    for (let i = 0; i < n; i++) args[i] = codes[start + i];
    return String.fromCharCode.apply(null, args);
  }

  /** Appends '@' and the first packet time, and hashes the whole text (a key written before). */
  idsOf(firstTsUs: number): void {
    this.char(64);
    this.number(firstTsUs);
    let a1 = 0xdeadbeef;
    let a2 = 0x41c6ce57;
    let b1 = 0xdeadbeef ^ 1;
    let b2 = 0x41c6ce57 ^ 1;
    let c1 = 0xdeadbeef ^ 2;
    let c2 = 0x41c6ce57 ^ 2;
    const codes = this.codes;
    for (let i = 0; i < this.length; i++) {
      const ch = codes[i];
      a1 = Math.imul(a1 ^ ch, 2654435761);
      a2 = Math.imul(a2 ^ ch, 1597334677);
      b1 = Math.imul(b1 ^ ch, 2654435761);
      b2 = Math.imul(b2 ^ ch, 1597334677);
      c1 = Math.imul(c1 ^ ch, 2654435761);
      c2 = Math.imul(c2 ^ ch, 1597334677);
    }
    this.h0 = finish53(a1, a2);
    this.h1 = finish53(b1, b2);
    this.h2 = finish53(c1, c2);
  }

  /** After `idsOf`: `flowUid` of the text. */
  uid(): string {
    return uidText(this.h1, this.h2);
  }

  /** After `idsOf`: appends `uid()`'s characters to the text (to decode them with it in one string). */
  appendUid(): void {
    putBase62(this.h1, 9);
    putBase62(this.h2, 17);
    if (this.length + 18 > this.codes.length) this.grow();
    for (let i = 0; i < 18; i++) this.codes[this.length++] = uidCodes[i];
  }

  /** After `idsOf`: `flowNumericId` of the text. */
  get flowId(): number {
    return this.h0 || 1;
  }

  private grow(): void {
    const codes = new Uint16Array(this.codes.length * 2);
    codes.set(this.codes);
    this.codes = codes;
  }
}

const scratch = new FlowIdText();

/** Decimal digits of a non-negative integer below 2^31. */
function decimalDigits(n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = (rest / 10) | 0) digits++;
  return digits;
}

/** cyrb53's final mix of its two lanes. */
function finish53(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
