/**
 * Multi-pattern prefilter that reads the text as aligned 32-bit words: the Wu-Manber matcher's
 * scan when every pattern has at least SAMPLED_MIN_LENGTH (6) bytes. Reports exactly what
 * AhoCorasickMatcher reports (every occurrence, overlapping ones included, per-pattern `nocase`).
 *
 * Why: Wu-Manber's step is a chain of dependent loads (the next position depends on the shift just
 * read), about 10 ns a step here, and with 6-byte patterns it cannot shift by more than 4 anyway.
 * This filter looks at the same number of places (one per `stride` = 4 bytes) but at fixed ones,
 * so the steps do not wait on each other, and one word load replaces three byte loads:
 * - every occurrence of a pattern of length >= m covers `stride` consecutive start positions of
 *   its grams, and exactly one of those is a sampled (word-aligned) position. So each pattern
 *   enters the grams at `stride` consecutive offsets of one window of itself, and an occurrence
 *   is seen exactly once, at the word holding its gram.
 * - The grams are 4 bytes (the whole word) when the window allows (pattern length >= stride + 3),
 *   else 3 (only 6-byte patterns with stride 4: their last gram); each size has a sparse bitmap
 *   of hashed keys (a bit per 256 / 1,024 keys: a hit costs a verification, a bigger bitmap
 *   costs the filter pass next to nothing). 4-byte grams hit far less often in text than 3-byte
 *   ones; while it stays sparse, the 4-byte bitmap holds the 3-byte grams too (every value of
 *   the fourth byte), so the filter pass tests one bitmap per sample.
 * - The window is the one whose grams are rarest in the pattern set (a gram many patterns share
 *   is one traffic is full of: `Content-Type`, `GET /`), not the pattern's start or end.
 * - Keys fold ASCII case with `| 0x20` per byte (no copy, no table); verification is exact.
 * - A bitmap hit looks up the entries of that gram (CSR buckets), compares the whole word
 *   and the next one (both masked to the pattern's bytes, precomputed) and only then the pattern.
 *
 * The word view is made over the buffer's whole ArrayBuffer and kept while the next scan is of
 * the same ArrayBuffer (frames of one capture batch, the engine's boundary buffer): `scan`
 * allocates only when the ArrayBuffer changes. Little-endian platforms only (the word's first byte
 * must be its low byte): `SAMPLED_GRAM_SUPPORTED`.
 */

import { type AhoCorasickMatchHandler } from './aho-corasick.matcher';
import { instantiateGramFilter, type WasmFilterFunction } from './gram-filter.wasm';
import { PackedPatterns } from './packed-patterns';

/** Shortest pattern the sampled filter handles: a 3-byte gram at 4 consecutive offsets. */
export const SAMPLED_MIN_LENGTH = 6;

export const SAMPLED_GRAM_SUPPORTED = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const FOLD4 = 0x20202020;
/**
 * Odd, and under 2^30 so that V8 keeps it a small integer: a constant above that (0x9e3779b1)
 * is a heap number, loaded from the module context and converted on every use in the loop.
 */
const HASH_MULTIPLIER = 0x27d4eb2d;
/** Samples filtered before their hits are verified (the hit list's capacity). */
const CHUNK_SAMPLES = 512;
/** 2^22 bits: 512 KiB, what 10,000 patterns reach; beyond, L2 misses would cost more than the hits saved. */
const MAX_BITMAP_BITS = 22;
/** An entry's ints in `entries` (ENTRY_INTS each, two left unused so an entry never straddles two cache lines). */
const ENTRY_KEY = 0;
const ENTRY_MASK = 1;
const ENTRY_NEXT = 2;
const ENTRY_NEXT_MASK = 3;
const ENTRY_PATTERN = 4;
const ENTRY_OFFSET = 5;
const ENTRY_INTS = 8;
/** Values a byte takes after the fold (`| 0x20`). */
const FOLDED_BYTE_VALUES = 128;
/**
 * The wasm filter's memory: its hits (CHUNK_SAMPLES ints), then the text it filters (copied there:
 * wasm reads only its own memory), then the bitmap (the matcher's own, so JS and wasm test the
 * same bits). A scanned buffer of up to WASM_TEXT_BYTES is copied whole, as it is (one memmove,
 * no view to allocate: a view per scan cost as much as the copy), at its alignment in its
 * ArrayBuffer; a longer one chunk by chunk. Up to WASM_MAX_STRIDE_WORDS every word is copied;
 * beyond, the copy would outweigh the filter's gain and the JS pass is used.
 */
const WASM_MAX_STRIDE_WORDS = 2;
const WASM_TEXT_BYTES = 65536;
const WASM_HITS_AT = 0;
const WASM_TEXT_AT = WASM_HITS_AT + 4 * CHUNK_SAMPLES;
/** 8 bytes of slack after the text: the last sample's word may reach 3 bytes past it. */
const WASM_BITMAP_AT = WASM_TEXT_AT + WASM_TEXT_BYTES + 8;

export interface SampledGramOptions {
  /**
   * Run the filter pass as WebAssembly (gram-filter.wasm.ts) where the runtime has it and the
   * stride is at most WASM_MAX_STRIDE_WORDS words; false: the JS pass. Same matches either way.
   */
  readonly wasm: boolean;
}

/** A pattern for the sampled filter: its bytes, nocase, and the id reported for it. */
export interface SampledGramPattern {
  readonly bytes: Uint8Array;
  readonly nocase?: boolean;
  readonly id: number;
}

export class SampledGramPatternTooShortError extends Error {
  readonly code = 'SAMPLED_GRAM_PATTERN_TOO_SHORT';
  readonly retriable = false;
  constructor(readonly patternId: number, readonly length: number) {
    super(`pattern ${patternId} has ${length} bytes, the sampled filter needs at least ${SAMPLED_MIN_LENGTH}`);
    this.name = 'SampledGramPatternTooShortError';
  }
}

export class SampledGramMatcher {
  /** Bytes between two sampled positions (a multiple of 4). */
  readonly stride: number;
  readonly bitmapBits: number;
  /**
   * Whether the 3-byte grams (of the shortest patterns) are in the 4-byte bitmap too, so the
   * filter pass tests one bitmap per sample; else it tests both.
   */
  readonly gram3InWordBitmap: boolean;
  private readonly strideWords: number;
  private readonly hashShift: number;
  /**
   * Both bitmaps in one array (one typed array fewer for the filter loop to check): the 4-byte
   * grams' bits, then from word `bitmap3At` the 3-byte grams', indexed by the top bits of the same
   * hash (`h >>> bitmap3Shift`).
   */
  private readonly bitmap: Int32Array;
  private readonly bitmap3At: number;
  private readonly bitmap3Shift: number;
  private readonly hasGram3: boolean;
  /** Whether the filter pass tests the 3-byte bitmap too (their grams are not in the 4-byte one). */
  private readonly filterGram3: boolean;
  /** Top bits of a bitmap hash that pick a bucket. */
  private readonly bucketShift: number;
  private readonly bucketStart4: Int32Array;
  private readonly bucketStart3: Int32Array;
  /**
   * Per entry, side by side in ENTRY_INTS ints (32 bytes: one cache line for an entry, where six
   * arrays cost up to six misses; a probe's entries are random, 10,000 patterns' ~1 MiB): the
   * word's expected folded bytes and their mask, the next word's, pattern, offset.
   */
  private readonly entries: Int32Array;
  private readonly ids: Int32Array;
  private readonly packed: PackedPatterns;
  /** Word indexes of the samples whose bit is set, one chunk at a time (so `scan` is not reentrant). */
  private readonly hitWords = new Int32Array(CHUNK_SAMPLES);
  private viewOf: ArrayBufferLike | null = null;
  private words: Int32Array = new Int32Array(0);
  /** The view of the ArrayBuffer scanned before `viewOf`. */
  private otherViewOf: ArrayBufferLike | null = null;
  private otherWords: Int32Array = new Int32Array(0);
  /** The wasm filter pass (null: the JS one), its hits and the chunk of text it reads. */
  private readonly wasmFilter: WasmFilterFunction | null = null;
  private readonly wasmHits: Int32Array = new Int32Array(0);
  private readonly wasmText: Int32Array = new Int32Array(0);
  private readonly wasmBytes: Uint8Array = new Uint8Array(0);
  /** Byte address of the 3-byte grams' bitmap in the wasm memory. */
  private readonly wasmBitmap3At: number = 0;

  constructor(patterns: readonly SampledGramPattern[], options: Partial<SampledGramOptions> = {}) {
    let m = Infinity;
    for (const p of patterns) {
      if (p.bytes.length < SAMPLED_MIN_LENGTH) throw new SampledGramPatternTooShortError(p.id, p.bytes.length);
      m = Math.min(m, p.bytes.length);
    }
    // A gram of 3 bytes at `stride` consecutive offsets must fit in the shortest pattern.
    this.strideWords = patterns.length === 0 ? 1 : Math.max(1, Math.floor((m - 2) / 4));
    this.stride = 4 * this.strideWords;
    const n = patterns.length;
    this.ids = Int32Array.from(patterns, (p) => p.id);
    const packed = new PackedPatterns(patterns);
    this.packed = packed;
    const lower = packed.bytes.map((b) => b | 0x20); // the filter's fold
    const gram3 = (j: number) => lower[j] | (lower[j + 1] << 8) | (lower[j + 2] << 16);
    // How many patterns contain each 3-byte gram: the rarity the windows are chosen by.
    const patternsWith = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      const seen = new Set<number>();
      for (let j = packed.start[k]; j + 3 <= packed.start[k] + packed.length[k]; j++) seen.add(gram3(j));
      for (const g of seen) patternsWith.set(g, (patternsWith.get(g) ?? 0) + 1);
    }
    const S = this.stride;
    interface Entry { key: number; four: boolean; pattern: number; offset: number }
    const entries: Entry[] = [];
    for (let k = 0; k < n; k++) {
      const s = packed.start[k];
      const len = packed.length[k];
      // The window: S gram offsets, 4-byte grams where the pattern is long enough.
      const span = len >= S + 3 ? S + 3 : S + 2;
      let best = len - span;
      let bestCost = Infinity;
      for (let w = 0; w + span <= len; w++) {
        let cost = 0;
        for (let j = w; j < w + S; j++) cost += patternsWith.get(gram3(s + j))!;
        if (cost <= bestCost) { bestCost = cost; best = w; } // ties: the later window
      }
      for (let j = best; j < best + S; j++) {
        const four = j + 4 <= len;
        entries.push({ key: four ? (gram3(s + j) | (lower[s + j + 3] << 24)) : gram3(s + j), four, pattern: k, offset: j });
      }
    }
    // Sparse bitmaps: a bit set for about one key in 256 (4-byte grams) and 1,024 (3-byte ones).
    // A bitmap hit costs a verification (tens of ns) while the filter pass costs the same with a
    // 128 KiB bitmap as with 32 KiB (its loads are independent, so the L2 latency overlaps): on
    // the bench's 1,000 patterns a bit per 64 keys let 1.42 M of 33.5 M words through (0.36 M of
    // them real gram matches), a bit per 256 / 1,024 keys 0.40 M.
    const threes = entries.filter((e) => !e.four).length;
    // A 3-byte gram is also entered in the 4-byte bitmap once per value the word's fourth byte
    // can take (128 after the fold), when that keeps the bitmap sparse: the filter pass then
    // hashes one key per sample instead of two (the 3-byte bitmap is tested on its hits only).
    // The bench's 1,000 patterns: 62 six-byte patterns, 7,936 more keys beside 3,938.
    const expanded = threes > 0 && (entries.length - threes + FOLDED_BYTE_VALUES * threes) * 128 <= 2 ** MAX_BITMAP_BITS;
    const keys4 = entries.length - threes + (expanded ? FOLDED_BYTE_VALUES * threes : 0);
    this.bitmapBits = Math.min(MAX_BITMAP_BITS, Math.max(12, Math.ceil(Math.log2(Math.max(1, keys4) * 256))));
    this.hashShift = 32 - this.bitmapBits;
    // The 3-byte grams (6-byte patterns only) are few but match often (3 bytes of text): their
    // bitmap is indexed by the top bits of the same hash, sparser still.
    // At most a 16th of the 4-byte one: when the filter pass tests it too (10,000 patterns), it
    // shares the cache with it.
    const bitmap3Bits = Math.min(this.bitmapBits - 4, Math.max(5, Math.ceil(Math.log2(Math.max(1, threes) * 1024))));
    this.bitmap3Shift = this.bitmapBits - bitmap3Bits;
    this.bitmap3At = 1 << (this.bitmapBits - 5);
    const bitmapInts = this.bitmap3At + (1 << (bitmap3Bits - 5));
    const wasm = options.wasm !== false && this.strideWords <= WASM_MAX_STRIDE_WORDS && n > 0
      ? instantiateGramFilter(WASM_BITMAP_AT + 4 * bitmapInts) : null;
    if (wasm !== null) {
      this.bitmap = new Int32Array(wasm.memory, WASM_BITMAP_AT, bitmapInts);
      this.wasmHits = new Int32Array(wasm.memory, WASM_HITS_AT, CHUNK_SAMPLES);
      this.wasmText = new Int32Array(wasm.memory, WASM_TEXT_AT, WASM_TEXT_BYTES >>> 2);
      this.wasmBytes = new Uint8Array(wasm.memory, WASM_TEXT_AT, WASM_TEXT_BYTES);
      this.wasmBitmap3At = WASM_BITMAP_AT + 4 * this.bitmap3At;
    } else {
      this.bitmap = new Int32Array(bitmapInts);
    }
    // About one entry per two buckets.
    const bucketBits = Math.min(this.bitmapBits, Math.max(4, Math.ceil(Math.log2(Math.max(1, entries.length))) + 1));
    this.bucketShift = this.bitmapBits - bucketBits;
    // Entries with 4-byte grams first, then those with 3-byte ones, each part in CSR buckets by
    // the top bits of the bitmap's hash (so a hit needs no second hash).
    const buckets = 1 << bucketBits;
    const counts4 = new Int32Array(buckets + 1);
    const counts3 = new Int32Array(buckets + 1);
    const bucketOf = entries.map((e) => {
      const h = Math.imul(e.key, HASH_MULTIPLIER) >>> this.hashShift;
      if (e.four) this.bitmap[h >>> 5] |= 1 << (h & 31);
      else this.bitmap[this.bitmap3At + ((h >>> this.bitmap3Shift) >>> 5)] |= 1 << ((h >>> this.bitmap3Shift) & 31);
      if (!e.four && expanded) {
        for (let v = 0; v < 256; v++) {
          const hv = Math.imul(e.key | ((v | 0x20) << 24), HASH_MULTIPLIER) >>> this.hashShift;
          this.bitmap[hv >>> 5] |= 1 << (hv & 31);
        }
      }
      const b = h >>> this.bucketShift;
      if (e.four) counts4[b + 1]++;
      else counts3[b + 1]++;
      return b;
    });
    this.hasGram3 = threes > 0;
    this.filterGram3 = threes > 0 && !expanded;
    if (wasm !== null) this.wasmFilter = this.filterGram3 ? wasm.filter43 : wasm.filter4;
    this.gram3InWordBitmap = expanded;
    this.bucketStart4 = new Int32Array(buckets + 1);
    this.bucketStart3 = new Int32Array(buckets + 1);
    this.bucketStart3[0] = entries.length - threes;
    for (let b = 0; b < buckets; b++) {
      this.bucketStart4[b + 1] = this.bucketStart4[b] + counts4[b + 1];
      this.bucketStart3[b + 1] = this.bucketStart3[b] + counts3[b + 1];
    }
    const fill4 = this.bucketStart4.slice(0, buckets);
    const fill3 = this.bucketStart3.slice(0, buckets);
    const e = entries.length;
    this.entries = new Int32Array(e * ENTRY_INTS);
    entries.forEach((entry, i) => {
      const slot = entry.four ? fill4[bucketOf[i]]++ : fill3[bucketOf[i]]++;
      const s = packed.start[entry.pattern];
      const len = packed.length[entry.pattern];
      const at = slot * ENTRY_INTS;
      this.entries[at + ENTRY_KEY] = entry.key;
      this.entries[at + ENTRY_MASK] = entry.four ? -1 : 0xffffff;
      let next = 0;
      let nextMask = 0;
      for (let b = 0; b < 4; b++) {
        const j = entry.offset + 4 + b;
        if (j < len) { next |= lower[s + j] << (8 * b); nextMask |= 0xff << (8 * b); }
      }
      this.entries[at + ENTRY_NEXT] = next;
      this.entries[at + ENTRY_NEXT_MASK] = nextMask;
      this.entries[at + ENTRY_PATTERN] = entry.pattern;
      this.entries[at + ENTRY_OFFSET] = entry.offset;
    });
  }

  get tableBytes(): number {
    return this.bitmap.byteLength + this.bucketStart4.byteLength + this.bucketStart3.byteLength
      + this.entries.byteLength + this.ids.byteLength + this.packed.byteLength;
  }

  /** Reports every occurrence (overlapping ones included) of every pattern inside `buf[from, to)`. */
  scan(buf: Uint8Array, onMatch: AhoCorasickMatchHandler, from = 0, to = buf.length): void {
    if (to - from < SAMPLED_MIN_LENGTH || this.ids.length === 0) return;
    const ab = buf.buffer;
    if (ab !== this.viewOf) {
      // Two views kept: the engine scans its packets' ArrayBuffer and its boundary buffer in turn.
      const viewOf = this.viewOf;
      const words = this.words;
      if (ab === this.otherViewOf) {
        this.words = this.otherWords;
      } else {
        this.words = new Int32Array(ab, 0, ab.byteLength >>> 2);
      }
      this.viewOf = ab;
      this.otherViewOf = viewOf;
      this.otherWords = words;
    }
    const words = this.words;
    const off = buf.byteOffset;
    const sw = this.strideWords;
    // Sampled byte positions a (buffer-relative) are those where off + a is a multiple of the
    // stride; a gram starting at a lies in [from, to) only if from <= a <= to - 3.
    const stride = this.stride;
    // Integer arithmetic throughout: a float word index makes every load of the loop slower.
    let w = (((off + from + stride - 1) / stride) | 0) * sw;
    const lastWord = (((off + to - 3) / stride) | 0) * sw;
    // The last sample the filter reads (one with a next word), on the samples' grid.
    const inView = Math.min(lastWord, Math.floor((words.length - 2) / sw) * sw);
    // Two passes per chunk of samples: the filter records the word index of every sample whose
    // bit is set, then the hits are verified.
    const step = sw;
    // The wasm pass reads word `first + i` at WASM_TEXT_AT + 4 * i: the whole buffer copied at its
    // alignment (`base`: its first word), or else each chunk (base -1: the chunk's first word).
    // Past the buffer's last byte the copy holds stale bytes where the ArrayBuffer has others:
    // only the last sample's fourth byte can lie there, and a gram reaching past `to` belongs to no
    // occurrence inside [from, to) (a 3-byte gram's entries admit any fourth byte), so the samples
    // that can match get the same bits; verification reads the ArrayBuffer itself.
    let base = -1;
    if (this.wasmFilter !== null && buf.length <= WASM_TEXT_BYTES - 4 && w <= inView) {
      this.wasmBytes.set(buf, off & 3);
      base = off >>> 2;
    }
    while (w <= inView) {
      const end = Math.min(inView, w + (CHUNK_SAMPLES - 1) * step);
      if (this.wasmFilter !== null) {
        let first = base;
        if (first < 0) {
          this.wasmText.set(words.subarray(w, end + 1));
          first = w;
        }
        const n = this.wasmFilter(WASM_TEXT_AT + 4 * (w - first), WASM_TEXT_AT + 4 * (end - first), 4 * step, HASH_MULTIPLIER, this.hashShift,
          WASM_BITMAP_AT, WASM_HITS_AT, this.hashShift + this.bitmap3Shift, this.wasmBitmap3At);
        const hits = this.wasmHits;
        for (let i = 0; i < n; i++) this.probe(words, first + ((hits[i] - WASM_TEXT_AT) >>> 2), buf, off, from, to, onMatch);
      } else {
        const n = this.filterGram3 ? this.filter43(w, end, step) : this.filter4(w, end, step);
        const hits = this.hitWords;
        for (let i = 0; i < n; i++) this.probe(words, hits[i], buf, off, from, to, onMatch);
      }
      w += (((end - w) / step | 0) + 1) * step;
    }
    // The last words of the ArrayBuffer (no next word, or not whole): byte reads, no next-word filter.
    const hashShift = this.hashShift;
    for (; w <= lastWord; w += sw) {
      const a = (w << 2) - off;
      let x = FOLD4;
      for (let b = 0; b < 4 && a + b < buf.length; b++) x |= buf[a + b] << (8 * b);
      const h4 = Math.imul(x, HASH_MULTIPLIER) >>> hashShift;
      const h3 = Math.imul(x & 0xffffff, HASH_MULTIPLIER) >>> hashShift;
      const t3 = h3 >>> this.bitmap3Shift;
      if (((this.bitmap[h4 >>> 5] >>> h4) & 1) !== 0) this.verify(this.bucketStart4, h4, buf, x, 0, a, from, to, onMatch, false);
      if (((this.bitmap[this.bitmap3At + (t3 >>> 5)] >>> t3) & 1) !== 0) this.verify(this.bucketStart3, h3, buf, x, 0, a, from, to, onMatch, false);
    }
  }

  /** A sample whose bit was set (word `w`, not the ArrayBuffer's last): the entries of each bitmap that hit. */
  private probe(words: Int32Array, w: number, buf: Uint8Array, off: number, from: number, to: number, onMatch: AhoCorasickMatchHandler): void {
    const x = words[w] | FOLD4;
    const a = (w << 2) - off;
    const next = words[w + 1] | FOLD4;
    const h4 = Math.imul(x, HASH_MULTIPLIER) >>> this.hashShift;
    if (((this.bitmap[h4 >>> 5] >>> h4) & 1) !== 0) this.verify(this.bucketStart4, h4, buf, x, next, a, from, to, onMatch);
    if (!this.hasGram3) return;
    const h3 = Math.imul(x & 0xffffff, HASH_MULTIPLIER) >>> this.hashShift;
    const t3 = h3 >>> this.bitmap3Shift;
    if (((this.bitmap[this.bitmap3At + (t3 >>> 5)] >>> t3) & 1) !== 0) this.verify(this.bucketStart3, h3, buf, x, next, a, from, to, onMatch);
  }

  /**
   * The entries in bucket `h`'s of `bucketStart` for the gram at `a` (folded word `x`, next word
   * `next`): whole word, next word, then the exact compare.
   */
  private verify(bucketStart: Int32Array, h: number, buf: Uint8Array, x: number, next: number, a: number, from: number, to: number, onMatch: AhoCorasickMatchHandler, checkNext = true): void {
    const bucket = h >>> this.bucketShift;
    const entries = this.entries;
    for (let e = bucketStart[bucket] * ENTRY_INTS, end = bucketStart[bucket + 1] * ENTRY_INTS; e < end; e += ENTRY_INTS) {
      if ((x & entries[e + ENTRY_MASK]) !== entries[e + ENTRY_KEY]) continue;
      if (checkNext && (next & entries[e + ENTRY_NEXT_MASK]) !== entries[e + ENTRY_NEXT]) continue;
      const k = entries[e + ENTRY_PATTERN];
      const at = a - entries[e + ENTRY_OFFSET];
      const n = this.packed.length[k];
      if (at < from || at + n > to) continue;
      if (this.packed.equalsAt(k, buf, at)) onMatch(this.ids[k], at + n - 1);
    }
  }

  /**
   * The filter pass over `words[w], words[w + step], ... words[end]`: the word index of every
   * sample whose bit is set goes to `hitWords`; returns their count. The typed arrays come from
   * fields (whose maps V8 knows) into locals, not parameters: as parameters of a function that V8
   * did not inline, every one was map-checked on every sample (~30 % slower). Two samples per
   * iteration and one branch for the pair: most pairs have no hit.
   */
  private filter4(w: number, end: number, step: number): number {
    const words = this.words;
    const bitmap = this.bitmap;
    const hits = this.hitWords;
    const shift = this.hashShift;
    const fold = FOLD4;
    const mult = HASH_MULTIPLIER;
    let n = 0;
    for (; w < end; w += 2 * step) {
      const hx = Math.imul(words[w] | fold, mult) >>> shift;
      const hy = Math.imul(words[w + step] | fold, mult) >>> shift;
      const bx = bitmap[hx >>> 5] >>> hx;
      const by = bitmap[hy >>> 5] >>> hy;
      if (((bx | by) & 1) !== 0) {
        hits[n] = w;
        n += bx & 1;
        hits[n] = w + step;
        n += by & 1;
      }
    }
    if (w === end) {
      const hx = Math.imul(words[w] | fold, mult) >>> shift;
      hits[n] = w;
      n += (bitmap[hx >>> 5] >>> hx) & 1;
    }
    return n;
  }

  /** filter4 with the 3-byte grams' bits too (`x & 0xffffff`, top `shift3` bits of its hash). */
  private filter43(w: number, end: number, step: number): number {
    const words = this.words;
    const bitmap = this.bitmap;
    const hits = this.hitWords;
    const shift = this.hashShift;
    const shift3 = shift + this.bitmap3Shift;
    const at3 = this.bitmap3At;
    const fold = FOLD4;
    const mult = HASH_MULTIPLIER;
    let n = 0;
    for (; w < end; w += 2 * step) {
      const x = words[w] | fold;
      const y = words[w + step] | fold;
      const hx = Math.imul(x, mult) >>> shift;
      const tx = Math.imul(x & 0xffffff, mult) >>> shift3;
      const hy = Math.imul(y, mult) >>> shift;
      const ty = Math.imul(y & 0xffffff, mult) >>> shift3;
      const bx = (bitmap[hx >>> 5] >>> hx) | (bitmap[at3 + (tx >>> 5)] >>> tx);
      const by = (bitmap[hy >>> 5] >>> hy) | (bitmap[at3 + (ty >>> 5)] >>> ty);
      if (((bx | by) & 1) !== 0) {
        hits[n] = w;
        n += bx & 1;
        hits[n] = w + step;
        n += by & 1;
      }
    }
    if (w === end) {
      const x = words[w] | fold;
      const hx = Math.imul(x, mult) >>> shift;
      const tx = Math.imul(x & 0xffffff, mult) >>> shift3;
      hits[n] = w;
      n += ((bitmap[hx >>> 5] >>> hx) | (bitmap[at3 + (tx >>> 5)] >>> tx)) & 1;
    }
    return n;
  }
}
