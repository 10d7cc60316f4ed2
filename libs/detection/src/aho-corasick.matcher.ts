/**
 * Multi-pattern prefilter over bytes (Aho-Corasick), built once, scanned many times.
 *
 * Layout, chosen so 10,000 rule contents stay small and fast:
 * - one automaton over ASCII-case-folded bytes; a case-sensitive pattern is confirmed by comparing
 *   its original bytes at the match position (the way prefilters share one automaton for nocase
 *   and exact contents);
 * - the alphabet is reduced to byte classes: each folded byte some pattern uses is a class, every
 *   other byte is class 0, so a DFA row is `classCount` entries instead of 256;
 * - the shallow states, in breadth-first order until `denseTableBytes` is spent, are DFA rows
 *   (`Int32Array`): most input bytes keep the automaton near the root, so the hot path is one
 *   array read. Deeper states keep only their goto edges (class labels + targets) and a failure
 *   link; a failure link always leads to a shallower state, so the walk ends in a dense row. A
 *   full DFA for 10k patterns would be ~160k rows.
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

export interface AhoCorasickOptions {
  /** Budget for the dense rows (the root row is always dense). */
  readonly denseTableBytes: number;
}

export const DEFAULT_AHO_CORASICK_OPTIONS: AhoCorasickOptions = { denseTableBytes: 4 * 1024 * 1024 };

const ALPHABET = 256;
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
  readonly classCount: number;
  readonly denseStateCount: number;
  /** Byte to class, ASCII case folded. */
  private readonly classOf: Uint16Array;
  private readonly dense: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeLabel: Uint16Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  /** Own outputs of a state: `outIds[outStart[s] .. outStart[s+1])`. */
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  /** Nearest state on the failure chain that has own outputs, or -1. */
  private readonly dictLink: Int32Array;
  /** First state whose outputs a match at this state reports (itself or its dictLink), or -1: one read on the hot path. */
  private readonly outHead: Int32Array;
  private readonly patternBytes: Uint8Array[];
  private readonly patternExact: Uint8Array;

  constructor(patterns: readonly AhoCorasickPattern[], options: AhoCorasickOptions = DEFAULT_AHO_CORASICK_OPTIONS) {
    this.patternCount = patterns.length;
    this.patternBytes = patterns.map((p) => p.bytes);
    this.patternExact = new Uint8Array(patterns.length);

    // Build a plain trie first; typed arrays are filled once the state count is known.
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    const used = new Uint8Array(ALPHABET);
    patterns.forEach((p, id) => {
      if (p.bytes.length === 0) throw new AhoCorasickPatternError(id);
      this.patternExact[id] = p.nocase ? 0 : needsExactCheck(p.bytes) ? 1 : 0;
      let s = 0;
      for (const b of p.bytes) {
        const c = ASCII_FOLD[b];
        used[c] = 1;
        let next = children[s].get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          own.push([]);
          children[s].set(c, next);
        }
        s = next;
      }
      own[s].push(id);
    });
    // Renumber the states breadth-first: the shallow states, where the scan spends most of its
    // time, get the low ids, so their table entries sit together and the dense rows are ids
    // [0, denseStateCount) with no lookup to find them.
    const n = renumberBreadthFirst(children, own);
    this.stateCount = n;
    const classOfFolded = new Uint16Array(ALPHABET);
    let classes = 1;
    for (let b = 0; b < ALPHABET; b++) if (used[b] === 1) classOfFolded[b] = classes++;
    this.classCount = classes;
    this.classOf = new Uint16Array(ALPHABET);
    for (let b = 0; b < ALPHABET; b++) this.classOf[b] = classOfFolded[ASCII_FOLD[b]];

    let edges = 0;
    for (const m of children) edges += m.size;
    this.edgeStart = new Int32Array(n + 1);
    this.edgeLabel = new Uint16Array(edges);
    this.edgeTarget = new Int32Array(edges);
    let e = 0;
    for (let s = 0; s < n; s++) {
      this.edgeStart[s] = e;
      const labels = [...children[s].keys()].sort((a, b) => classOfFolded[a] - classOfFolded[b]);
      for (const c of labels) {
        this.edgeLabel[e] = classOfFolded[c];
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
      for (const [folded, t] of children[s]) {
        const c = classOfFolded[folded];
        let f = this.fail[s];
        let g = this.gotoEdge(f, c);
        while (g < 0 && f !== 0) { f = this.fail[f]; g = this.gotoEdge(f, c); }
        this.fail[t] = g >= 0 ? g : 0;
        const ft = this.fail[t];
        this.dictLink[t] = this.outStart[ft + 1] > this.outStart[ft] ? ft : this.dictLink[ft];
        queue[tail++] = t;
      }
    }

    this.outHead = new Int32Array(n);
    for (let s = 0; s < n; s++) this.outHead[s] = this.outStart[s + 1] > this.outStart[s] ? s : this.dictLink[s];

    // Dense rows: full transitions for the lowest (shallowest) ids; a state's fail is shallower,
    // so it has a lower id and its row is filled before the state's row falls back to it.
    const rows = Math.min(n, Math.max(1, Math.floor(options.denseTableBytes / (classes * 4))));
    this.denseStateCount = rows;
    this.dense = new Int32Array(rows * classes);
    for (let s = 0; s < rows; s++) {
      const row = s * classes;
      const failRow = this.fail[s] * classes;
      for (let c = 0; c < classes; c++) {
        const g = this.gotoEdge(s, c);
        this.dense[row + c] = g >= 0 ? g : s === 0 ? 0 : this.dense[failRow + c];
      }
    }
  }

  /** Bytes held by the automaton's tables (patterns themselves excluded). */
  get tableBytes(): number {
    return this.classOf.byteLength + this.dense.byteLength + this.edgeStart.byteLength + this.edgeLabel.byteLength
      + this.edgeTarget.byteLength + this.fail.byteLength + this.outStart.byteLength + this.outIds.byteLength
      + this.dictLink.byteLength + this.outHead.byteLength + this.patternExact.byteLength;
  }

  /** Reports every occurrence (overlapping ones included) of every pattern in `buf[from, to)`. */
  scan(buf: Uint8Array, onMatch: AhoCorasickMatchHandler, from = 0, to = buf.length): void {
    const { classOf, dense, edgeStart, edgeLabel, edgeTarget, fail, outHead, dictLink } = this;
    const k = this.classCount;
    const denseCount = this.denseStateCount;
    let s = 0;
    for (let i = from; i < to; i++) {
      const c = classOf[buf[i]];
      for (;;) {
        if (s < denseCount) { s = dense[s * k + c]; break; }
        // Sparse state: its few edges, inline (this loop is the hot path).
        const lo = edgeStart[s];
        const hi = edgeStart[s + 1];
        let g = -1;
        if (hi - lo <= SPARSE_LINEAR_MAX) {
          for (let e = lo; e < hi; e++) if (edgeLabel[e] === c) { g = edgeTarget[e]; break; }
        } else {
          g = this.gotoEdge(s, c);
        }
        if (g >= 0) { s = g; break; }
        s = fail[s];
      }
      let o = outHead[s];
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

  /** The goto edge of `s` on byte class `c`, or -1. */
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

/** Rewrites the trie in place so state ids follow breadth-first order; returns the state count. */
function renumberBreadthFirst(children: Map<number, number>[], own: number[][]): number {
  const n = children.length;
  const order = [0];
  for (let h = 0; h < order.length; h++) for (const t of children[order[h]].values()) order.push(t);
  const newId = new Int32Array(n);
  order.forEach((old, id) => { newId[old] = id; });
  const oldChildren = children.slice();
  const oldOwn = own.slice();
  order.forEach((old, id) => {
    children[id] = new Map([...oldChildren[old]].map(([c, t]) => [c, newId[t]]));
    own[id] = oldOwn[old];
  });
  return n;
}

/** A case-sensitive pattern without ASCII letters matches the folded automaton exactly already. */
function needsExactCheck(bytes: Uint8Array): boolean {
  for (const b of bytes) if (ASCII_FOLD[b] !== b || (b >= 0x61 && b <= 0x7a)) return true;
  return false;
}
