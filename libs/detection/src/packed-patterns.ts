import { ASCII_FOLD } from './aho-corasick.matcher';

/**
 * A matcher's patterns laid out one after another in two byte arrays, as given (exact compare)
 * and ASCII-folded (nocase compare), with each one's start, length and nocase flag: what the
 * Wu-Manber and sampled-gram filters verify their candidates against.
 */
export class PackedPatterns {
  readonly bytes: Uint8Array;
  readonly folded: Uint8Array;
  readonly start: Int32Array;
  readonly length: Int32Array;
  readonly nocase: Uint8Array;

  constructor(patterns: readonly { bytes: Uint8Array; nocase?: boolean }[]) {
    const total = patterns.reduce((n, p) => n + p.bytes.length, 0);
    this.bytes = new Uint8Array(total);
    this.folded = new Uint8Array(total);
    this.start = new Int32Array(patterns.length);
    this.length = new Int32Array(patterns.length);
    this.nocase = new Uint8Array(patterns.length);
    let at = 0;
    patterns.forEach((p, k) => {
      this.start[k] = at;
      this.length[k] = p.bytes.length;
      this.nocase[k] = p.nocase === true ? 1 : 0;
      this.bytes.set(p.bytes, at);
      for (let j = 0; j < p.bytes.length; j++) this.folded[at + j] = ASCII_FOLD[p.bytes[j]];
      at += p.bytes.length;
    });
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.folded.byteLength + this.start.byteLength + this.length.byteLength + this.nocase.byteLength;
  }

  /** Whether pattern `k` stands in `buf` at `at` (a nocase one compared folded); `buf` must hold it. */
  equalsAt(k: number, buf: Uint8Array, at: number): boolean {
    const s = this.start[k];
    const n = this.length[k];
    if (this.nocase[k] === 1) {
      const p = this.folded;
      for (let j = 0; j < n; j++) if (ASCII_FOLD[buf[at + j]] !== p[s + j]) return false;
    } else {
      const p = this.bytes;
      for (let j = 0; j < n; j++) if (buf[at + j] !== p[s + j]) return false;
    }
    return true;
  }
}
