/**
 * Whether any of a set of patterns can occur across the boundary between two byte strings
 * (`tail`, the stream bytes delivered before a packet, and `data`, the bytes it delivers): a
 * necessary condition, tested with a few byte reads and bitmap probes, so that the engine skips
 * its boundary inspection (a copy and a prefilter scan per TCP segment) where no pattern can
 * straddle the boundary.
 *
 * An occurrence of a pattern `p` (length L >= 4) crossing the boundary has j bytes in the tail
 * and L - j in the data, 1 <= j < L. It then contains the bytes around the boundary:
 * - 2 <= j <= L - 2: the last two tail bytes and the first two data bytes are p[j-2, j+2);
 * - j = 1: the last tail byte and the first two data bytes are p[0, 3);
 * - j = L - 1: the last two tail bytes and the first data byte are p[L-3, L).
 * Every such 4-byte window of every pattern, and each pattern's first and last 3 bytes, are
 * entered (ASCII-folded with `| 0x20`, so a nocase match and an exact one both hit) in one
 * bitmap; a boundary none of whose three keys hits cannot be crossed by any pattern. A hit says
 * nothing (hash collisions, or the bytes match but the rest does not): the caller inspects.
 */

/** The shortest pattern the gate handles: L >= 4 keeps the three cases above apart. */
export const BOUNDARY_GATE_MIN_LENGTH = 4;

/** About one bit set per this many bitmap bits: a hit costs a boundary inspection. */
const BITS_PER_KEY = 64;
const HASH_MULTIPLIER = 0x27d4eb2d;
/** Tags that keep the 3-byte keys apart from the 4-byte ones (whose top byte is >= 0x20 after the fold). */
const START3 = 0x01000000;
const END3 = 0x02000000;

export interface BoundaryGatePattern {
  readonly bytes: Uint8Array;
}

export class BoundaryGatePatternTooShortError extends Error {
  readonly code = 'BOUNDARY_GATE_PATTERN_TOO_SHORT';
  readonly retriable = false;
  constructor(readonly patternIndex: number, readonly length: number) {
    super(`pattern ${patternIndex} has ${length} bytes, the boundary gate needs at least ${BOUNDARY_GATE_MIN_LENGTH}`);
    this.name = 'BoundaryGatePatternTooShortError';
  }
}

export class StreamBoundaryGate {
  readonly bitmapBits: number;
  private readonly shift: number;
  private readonly bitmap: Int32Array;

  constructor(patterns: readonly BoundaryGatePattern[]) {
    const keys: number[] = [];
    patterns.forEach((p, index) => {
      const b = p.bytes;
      const n = b.length;
      if (n < BOUNDARY_GATE_MIN_LENGTH) throw new BoundaryGatePatternTooShortError(index, n);
      keys.push(START3 | fold3(b[0], b[1], b[2]), END3 | fold3(b[n - 3], b[n - 2], b[n - 1]));
      for (let i = 0; i + 4 <= n; i++) keys.push(fold4(b[i], b[i + 1], b[i + 2], b[i + 3]));
    });
    this.bitmapBits = Math.max(10, Math.min(24, Math.ceil(Math.log2(Math.max(1, keys.length) * BITS_PER_KEY))));
    this.shift = 32 - this.bitmapBits;
    this.bitmap = new Int32Array(1 << (this.bitmapBits - 5));
    for (const key of keys) {
      const h = Math.imul(key, HASH_MULTIPLIER) >>> this.shift;
      this.bitmap[h >>> 5] |= 1 << (h & 31);
    }
  }

  /**
   * False when no pattern can occur with bytes on both sides of the boundary between `tail` and
   * `data` (whole strings: the boundary is after tail's last byte). True when one may, or when
   * either side is shorter than 2 bytes (not worth telling apart: the caller inspects).
   */
  mayCross(tail: Uint8Array, data: Uint8Array): boolean {
    const t = tail.length;
    if (t < 2 || data.length < 2) return true;
    const t2 = tail[t - 2];
    const t1 = tail[t - 1];
    const d0 = data[0];
    const d1 = data[1];
    return this.has(fold4(t2, t1, d0, d1)) || this.has(START3 | fold3(t1, d0, d1)) || this.has(END3 | fold3(t2, t1, d0));
  }

  private has(key: number): boolean {
    const h = Math.imul(key, HASH_MULTIPLIER) >>> this.shift;
    return ((this.bitmap[h >>> 5] >>> (h & 31)) & 1) !== 0;
  }
}

function fold3(a: number, b: number, c: number): number {
  return (a | 0x20) | ((b | 0x20) << 8) | ((c | 0x20) << 16);
}

function fold4(a: number, b: number, c: number, d: number): number {
  return fold3(a, b, c) | ((d | 0x20) << 24);
}
