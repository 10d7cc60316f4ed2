/**
 * Skip-based multi-pattern prefilter (Wu-Manber), built once, scanned many times: the engine's
 * hot path. Reports exactly what AhoCorasickMatcher reports (every occurrence of every pattern,
 * overlapping ones included, per-pattern `nocase`), in a different order (by start, not by end).
 *
 * Why not Aho-Corasick: an automaton reads every byte, and one dependent table lookup per byte is
 * already about the whole budget of 300 MB/s in JS here. Wu-Manber looks at the last `B` = 3 bytes
 * of an `m`-byte window (`m` = the shortest pattern length, capped) and slides the window by the
 * shift table's entry for them: `m - B + 1` when those bytes occur in no pattern's window, less
 * when they do, 0 when they end some pattern's window. So on text unlike the patterns, it
 * examines about one position per `m - B + 1` bytes.
 * - A pattern's window is its LAST `m` bytes (classic Wu-Manber takes the first): rule contents
 *   tend to start with what traffic is full of (`User-Agent: `, `GET /`, `/api/v`, `HTTP/1.`) and
 *   end in what is specific to them, and a window on the common part would stop the scan (shift
 *   0, then a failed comparison) at every header name of every request.
 *
 * - The block of 3 bytes is hashed with ASCII case folded by `| 0x20` (see FOLD3): no copy of
 *   the payload, no fold table on the hot path. Every pattern (nocase or not) is entered folded;
 *   exact patterns are confirmed byte for byte at verification. The step is latency-bound
 *   (load, hash, shift-table load, add): 3 byte loads and one multiply measured 10-15 % faster
 *   than tabulation hashing (three 256-entry tables); a DataView 32-bit read was no better.
 * - Shift 0: the candidates are the patterns whose window ends in a block with that hash
 *   (CSR bucket lists); a 2-byte folded prefix filters them before the full comparison.
 * - Patterns shorter than `minWindow` (default 4: a 3-byte window could never shift by more than
 *   one) would cap every shift; they go to a small AhoCorasickMatcher of their own, scanned only
 *   when there are any.
 *
 * `scan` allocates nothing.
 */

import { PackedPatterns } from './packed-patterns';
import { AhoCorasickMatcher, AhoCorasickPatternError, ASCII_FOLD, type AhoCorasickMatchHandler, type AhoCorasickPattern } from './aho-corasick.matcher';
import { SAMPLED_GRAM_SUPPORTED, SAMPLED_MIN_LENGTH, SampledGramMatcher } from './sampled-gram.matcher';

export interface WuManberOptions {
  /** Patterns shorter than this go to the small Aho-Corasick matcher (at least BLOCK + 1). */
  readonly minWindow: number;
  /** Upper bound of the window `m` (longer windows shift further but need long patterns). */
  readonly maxWindow: number;
  /** log2 of the shift table size; 0 picks by pattern count (16 up to 2,000 patterns, else 18). */
  readonly tableBits: number;
  /**
   * Scan with the SampledGramMatcher (aligned words, fixed stride) instead of the shift table
   * when every long pattern has at least SAMPLED_MIN_LENGTH bytes. Same matches either way.
   */
  readonly sampled: boolean;
}

export const DEFAULT_WU_MANBER_OPTIONS: WuManberOptions = { minWindow: 4, maxWindow: 32, tableBits: 0, sampled: true };

/** Bytes hashed per step. */
const BLOCK = 3;

/**
 * The block hash: the 3 bytes as one integer, OR 0x20 per byte, times a golden-ratio constant, top
 * `tableBits` bits. OR 0x20 folds ASCII case for free; it also merges a few non-letter pairs
 * (`@` and a backtick, `[` and `{`, control bytes with punctuation), which only makes the filter a
 * little less selective: the table is built with the same fold, and verification is exact.
 */
const FOLD3 = 0x202020;
const HASH_MULTIPLIER = 0x9e3779b1;
export class WuManberMatcher {
  readonly patternCount: number;
  /** The window length `m` (0 when every pattern is short). */
  readonly window: number;
  readonly tableBits: number;
  /** Patterns handled by the small Aho-Corasick matcher. */
  readonly shortPatternCount: number;
  /** 32 - tableBits: the hash keeps the product's top bits. */
  private readonly hashShift: number;
  private readonly shift: Uint8Array;
  /** Pattern ids whose window ends in a block of hash h: `bucketIds[bucketStart[h] .. bucketStart[h + 1])`. */
  private readonly bucketStart: Int32Array;
  private readonly bucketIds: Int32Array;
  /** Folded first two bytes of each pattern's window, `b0 << 8 | b1`. */
  private readonly prefix: Int32Array;
  /** All patterns' bytes, what a candidate is verified against. */
  private readonly packed: PackedPatterns;
  private readonly short: AhoCorasickMatcher | null;
  /** The scan of the long patterns when they are all long enough for it (then the shift table is empty). */
  private readonly sampled: SampledGramMatcher | null;
  private readonly shortIds: Int32Array;
  /** The short matcher's callback, bound once (scan allocates nothing). */
  private shortTarget: AhoCorasickMatchHandler | null = null;
  private readonly onShort: AhoCorasickMatchHandler = (id, end) => { this.shortTarget!(this.shortIds[id], end); };

  constructor(patterns: readonly AhoCorasickPattern[], options: Partial<WuManberOptions> = {}) {
    const opts = { ...DEFAULT_WU_MANBER_OPTIONS, ...options };
    const minWindow = Math.max(BLOCK + 1, opts.minWindow);
    this.patternCount = patterns.length;
    const longIds: number[] = [];
    const shortIds: number[] = [];
    patterns.forEach((p, id) => {
      if (p.bytes.length === 0) throw new AhoCorasickPatternError(id);
      (p.bytes.length < minWindow ? shortIds : longIds).push(id);
    });
    this.shortPatternCount = shortIds.length;
    this.shortIds = Int32Array.from(shortIds);
    this.short = shortIds.length > 0 ? new AhoCorasickMatcher(shortIds.map((id) => patterns[id])) : null;

    this.packed = new PackedPatterns(patterns);
    this.prefix = new Int32Array(patterns.length);

    let m = opts.maxWindow;
    for (const id of longIds) m = Math.min(m, patterns[id].bytes.length);
    this.window = longIds.length > 0 ? Math.min(m, 255) : 0;
    this.prefix.fill(-1);
    for (const id of longIds) {
      const w = this.packed.start[id] + this.packed.length[id] - this.window;
      this.prefix[id] = (this.packed.folded[w] << 8) | this.packed.folded[w + 1];
    }
    this.tableBits = opts.tableBits > 0 ? opts.tableBits : longIds.length <= 2000 ? 16 : 18;
    const useSampled = opts.sampled && SAMPLED_GRAM_SUPPORTED && this.window >= SAMPLED_MIN_LENGTH;
    this.sampled = useSampled ? new SampledGramMatcher(longIds.map((id) => ({ bytes: patterns[id].bytes, nocase: patterns[id].nocase, id }))) : null;
    // The shift table and buckets only for the classic scan.
    const tableIds = useSampled ? [] : longIds;
    const size = useSampled ? 1 : 1 << this.tableBits;
    this.hashShift = 32 - this.tableBits;
    const maxShift = this.window - BLOCK + 1;
    this.shift = new Uint8Array(size).fill(Math.max(1, maxShift));
    const counts = new Int32Array(size + 1);
    const last: number[] = [];
    for (const id of tableIds) {
      const s = this.packed.start[id] + this.packed.length[id] - this.window;
      // Block ending at window position j (j = BLOCK-1 .. m-1): the window may slide by m-1-j.
      for (let j = BLOCK - 1; j < this.window; j++) {
        const h = blockHash(this.packed.bytes, s + j, this.hashShift);
        const sh = this.window - 1 - j;
        if (sh < this.shift[h]) this.shift[h] = sh;
      }
      const h = blockHash(this.packed.bytes, s + this.window - 1, this.hashShift);
      counts[h + 1]++;
      last.push(h);
    }
    this.bucketStart = new Int32Array(size + 1);
    for (let h = 0; h < size; h++) this.bucketStart[h + 1] = this.bucketStart[h] + counts[h + 1];
    this.bucketIds = new Int32Array(tableIds.length);
    const fill = this.bucketStart.slice(0, size);
    tableIds.forEach((id, k) => { this.bucketIds[fill[last[k]]++] = id; });
  }

  /** Bytes held by the tables (pattern bytes included, the short matcher's tables too). */
  get tableBytes(): number {
    return this.shift.byteLength + this.bucketStart.byteLength + this.bucketIds.byteLength + this.prefix.byteLength
      + this.packed.byteLength + (this.short?.tableBytes ?? 0) + (this.sampled?.tableBytes ?? 0);
  }

  /** Reports every occurrence (overlapping ones included) of every pattern inside `buf[from, to)`. */
  scan(buf: Uint8Array, onMatch: AhoCorasickMatchHandler, from = 0, to = buf.length): void {
    if (this.short !== null) {
      this.shortTarget = onMatch;
      this.short.scan(buf, this.onShort, from, to);
      this.shortTarget = null;
    }
    if (this.sampled !== null) {
      this.sampled.scan(buf, onMatch, from, to);
      return;
    }
    const m = this.window;
    if (m === 0) return;
    const { shift, bucketStart, bucketIds, prefix } = this;
    const hashShift = this.hashShift;
    // i: the last byte of the window, and of the patterns it may end.
    let i = from + m - 1;
    while (i < to) {
      const h = Math.imul(((buf[i - 2] << 16) | (buf[i - 1] << 8) | buf[i]) | FOLD3, HASH_MULTIPLIER) >>> hashShift;
      const s = shift[h];
      if (s !== 0) { i += s; continue; }
      const ws = i - m + 1;
      const pre = (ASCII_FOLD[buf[ws]] << 8) | ASCII_FOLD[buf[ws + 1]];
      for (let k = bucketStart[h], end = bucketStart[h + 1]; k < end; k++) {
        const id = bucketIds[k];
        if (prefix[id] === pre && this.endsAt(id, buf, i, from)) onMatch(id, i);
      }
      i++;
    }
  }

  /** The ids of the patterns that occur in `buf[from, to)`, ascending. Allocates the result. */
  matchedIds(buf: Uint8Array, from = 0, to = buf.length): number[] {
    const seen = new Uint8Array(this.patternCount);
    this.scan(buf, (id) => { seen[id] = 1; }, from, to);
    const ids: number[] = [];
    for (let id = 0; id < seen.length; id++) if (seen[id] === 1) ids.push(id);
    return ids;
  }

  /** Whether pattern `id` occurs in `buf` ending at `end` and starting at or after `from`. */
  private endsAt(id: number, buf: Uint8Array, end: number, from: number): boolean {
    const at = end - this.packed.length[id] + 1;
    return at >= from && this.packed.equalsAt(id, buf, at);
  }
}

/** Hash of the block of BLOCK bytes ending at `end` (the scan loop inlines the same expression). */
function blockHash(bytes: Uint8Array, end: number, hashShift: number): number {
  return Math.imul(((bytes[end - 2] << 16) | (bytes[end - 1] << 8) | bytes[end]) | FOLD3, HASH_MULTIPLIER) >>> hashShift;
}
