/**
 * Multi-pattern prefilter over bytes (Aho-Corasick), built once, scanned many times.
 *
 * Layout, chosen so 10,000 rule contents stay small:
 * - one automaton over ASCII-case-folded bytes; a case-sensitive pattern is confirmed by comparing
 *   its original bytes at the match position (the way prefilters share one automaton for nocase
 *   and exact contents);
 * - the root and the depth-1 states are DFA rows (`Int32Array`, 256 entries each): most bytes of
 *   the input stay at those depths, so the hot path is one array read;
 * - deeper states keep only their goto edges (sorted labels + targets in typed arrays) and a
 *   failure link, which always leads back up to a dense row. A full 256-wide DFA for 10k patterns
 *   would need ~100k rows x 1 KiB.
 *
 * `scan` allocates nothing.
 */

export interface AhoCorasickPattern {
  readonly bytes: Uint8Array;
  /** Match regardless of ASCII case (`content:"..."; nocase;`). */
  readonly nocase?: boolean;
}

export class AhoCorasickPatternError extends Error {
  readonly code = 'AHO_CORASICK_EMPTY_PATTERN';
  readonly retriable = false;
  constructor(readonly patternId: number) {
    super(`aho-corasick: pattern ${patternId} is empty`);
    this.name = 'AhoCorasickPatternError';
  }
}

/** Called for each match: the pattern's index in the build list and the offset of its last byte. */
export type AhoCorasickMatchHandler = (patternId: number, endOffset: number) => void;

const ALPHABET = 256;
const DENSE_MAX_DEPTH = 1;
const SPARSE_LINEAR_MAX = 8;

/** ASCII upper case to lower case, every other byte unchanged. */
export const ASCII_FOLD: Uint8Array = (() => {
  const t = new Uint8Array(ALPHABET);
  for (let i = 0; i < ALPHABET; i++) t[i] = i >= 0x41 && i <= 0x5a ? i + 0x20 : i;
  return t;
})();

export class AhoCorasickMatcher {
  readonly patternCount: number;
  readonly stateCount: number;
  private readonly denseRow: Int32Array;
  private readonly dense: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeLabel: Uint8Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  /** Own outputs of a state: `outIds[outStart[s] .. outStart[s+1])`. */
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  /** Nearest state on the failure chain that has own outputs, or -1. */
  private readonly dictLink: Int32Array;
  private readonly patternBytes: Uint8Array[];
  private readonly patternExact: Uint8Array;

  constructor(patterns: readonly AhoCorasickPattern[]) {
    this.patternCount = patterns.length;
    this.patternBytes = patterns.map((p) => p.bytes);
    this.patternExact = new Uint8Array(patterns.length);

    // Build a plain trie first; typed arrays are filled once the state count is known.
    const children: Map<number, number>[] = [new Map()];
    const depth: number[] = [0];
    const own: number[][] = [[]];
    patterns.forEach((p, id) => {
      if (p.bytes.length === 0) throw new AhoCorasickPatternError(id);
      this.patternExact[id] = p.nocase ? 0 : needsExactCheck(p.bytes) ? 1 : 0;
      let s = 0;
      for (const b of p.bytes) {
        const c = ASCII_FOLD[b];
        let next = children[s].get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          depth.push(depth[s] + 1);
          own.push([]);
          children[s].set(c, next);
        }
        s = next;
      }
      own[s].push(id);
    });
    const n = children.length;
    this.stateCount = n;

    let edges = 0;
    for (const m of children) edges += m.size;
    this.edgeStart = new Int32Array(n + 1);
    this.edgeLabel = new Uint8Array(edges);
    this.edgeTarget = new Int32Array(edges);
    let e = 0;
    for (let s = 0; s < n; s++) {
      this.edgeStart[s] = e;
      const labels = [...children[s].keys()].sort((a, b) => a - b);
      for (const c of labels) {
        this.edgeLabel[e] = c;
        this.edgeTarget[e] = children[s].get(c) as number;
        e++;
      }
    }
    this.edgeStart[n] = e;

    this.outStart = new Int32Array(n + 1);
    let outs = 0;
    for (let s = 0; s < n; s++) { this.outStart[s] = outs; outs += own[s].length; }
    this.outStart[n] = outs;
    this.outIds = new Int32Array(outs);
    for (let s = 0; s < n; s++) this.outIds.set(own[s], this.outStart[s]);

    // Failure and dictionary links in BFS order (a state's fail is shallower, so already done).
    this.fail = new Int32Array(n);
    this.dictLink = new Int32Array(n).fill(-1);
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (const t of children[0].values()) { this.fail[t] = 0; queue[tail++] = t; }
    while (head < tail) {
      const s = queue[head++];
      for (const [c, t] of children[s]) {
        let f = this.fail[s];
        let g = this.gotoEdge(f, c);
        while (g < 0 && f !== 0) { f = this.fail[f]; g = this.gotoEdge(f, c); }
        this.fail[t] = g >= 0 ? g : 0;
        const ft = this.fail[t];
        this.dictLink[t] = this.outStart[ft + 1] > this.outStart[ft] ? ft : this.dictLink[ft];
        queue[tail++] = t;
      }
    }

    // Dense rows: full transitions for the shallow states, in BFS order so the root row exists
    // before the depth-1 rows fall back to it.
    this.denseRow = new Int32Array(n).fill(-1);
    let rows = 0;
    for (let s = 0; s < n; s++) if (depth[s] <= DENSE_MAX_DEPTH) this.denseRow[s] = rows++;
    this.dense = new Int32Array(rows * ALPHABET);
    for (let c = 0; c < ALPHABET; c++) {
      const g = this.gotoEdge(0, ASCII_FOLD[c]);
      this.dense[c] = g >= 0 ? g : 0;
    }
    for (let s = 1; s < n; s++) {
      const row = this.denseRow[s];
      if (row < 0) continue;
      const failRow = this.denseRow[this.fail[s]] * ALPHABET;
      for (let c = 0; c < ALPHABET; c++) {
        const g = this.gotoEdge(s, ASCII_FOLD[c]);
        this.dense[row * ALPHABET + c] = g >= 0 ? g : this.dense[failRow + c];
      }
    }
  }

  /** Bytes held by the automaton's tables (patterns themselves excluded). */
  get tableBytes(): number {
    return this.dense.byteLength + this.denseRow.byteLength + this.edgeStart.byteLength + this.edgeLabel.byteLength
      + this.edgeTarget.byteLength + this.fail.byteLength + this.outStart.byteLength + this.outIds.byteLength
      + this.dictLink.byteLength + this.patternExact.byteLength;
  }

  /** Reports every occurrence (overlapping ones included) of every pattern in `buf[from, to)`. */
  scan(buf: Uint8Array, onMatch: AhoCorasickMatchHandler, from = 0, to = buf.length): void {
    const { denseRow, dense, fail, outStart, dictLink } = this;
    let s = 0;
    for (let i = from; i < to; i++) {
      const c = ASCII_FOLD[buf[i]];
      for (;;) {
        const row = denseRow[s];
        if (row >= 0) { s = dense[row * ALPHABET + c]; break; }
        const g = this.gotoEdge(s, c);
        if (g >= 0) { s = g; break; }
        s = fail[s];
      }
      let o = outStart[s + 1] > outStart[s] ? s : dictLink[s];
      while (o >= 0) {
        this.emit(o, buf, i, from, onMatch);
        o = dictLink[o];
      }
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

  private emit(state: number, buf: Uint8Array, end: number, from: number, onMatch: AhoCorasickMatchHandler): void {
    for (let k = this.outStart[state]; k < this.outStart[state + 1]; k++) {
      const id = this.outIds[k];
      if (this.patternExact[id] === 1 && !this.exactAt(id, buf, end, from)) continue;
      onMatch(id, end);
    }
  }

  private exactAt(id: number, buf: Uint8Array, end: number, from: number): boolean {
    const p = this.patternBytes[id];
    const start = end - p.length + 1;
    if (start < from) return false;
    for (let j = 0; j < p.length; j++) if (buf[start + j] !== p[j]) return false;
    return true;
  }

  /** The goto edge of `s` on folded byte `c`, or -1. */
  private gotoEdge(s: number, c: number): number {
    let lo = this.edgeStart[s];
    let hi = this.edgeStart[s + 1];
    const labels = this.edgeLabel;
    if (hi - lo <= SPARSE_LINEAR_MAX) {
      for (; lo < hi; lo++) if (labels[lo] === c) return this.edgeTarget[lo];
      return -1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const l = labels[mid];
      if (l === c) return this.edgeTarget[mid];
      if (l < c) lo = mid + 1; else hi = mid;
    }
    return -1;
  }
}

/** A case-sensitive pattern without ASCII letters matches the folded automaton exactly already. */
function needsExactCheck(bytes: Uint8Array): boolean {
  for (const b of bytes) if (ASCII_FOLD[b] !== b || (b >= 0x61 && b <= 0x7a)) return true;
  return false;
}
