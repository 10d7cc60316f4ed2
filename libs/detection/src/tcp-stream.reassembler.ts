/**
 * In-order reassembly of one TCP connection, per direction, in event time.
 *
 * - The stream starts at the SYN (ISN + 1) or, mid-stream, at the first segment seen.
 * - Segments ahead of the next expected byte are buffered (copied) up to `maxBufferedBytes` per
 *   direction and `maxConnectionBufferedBytes` for both; beyond that they are dropped and counted,
 *   so a hole that never fills costs bounded memory.
 * - Overlaps are resolved first-wins: bytes already delivered or already buffered are kept and the
 *   newcomer's copy is discarded (counted, and counted again when the bytes differ: that is how
 *   overlap evasions show). A segment carrying only old bytes is a retransmission and ignored.
 * - Sequence numbers compare modulo 2^32 (signed 32-bit difference), so wrap-around is transparent.
 * - FIN ends a direction once every byte before it was delivered; RST ends both and frees buffers.
 *
 * Delivery returns the newly contiguous bytes plus the last `windowBytes` bytes delivered before
 * them, so the engine can scan `tail + data` and find a pattern split across segments.
 */

import { TCP_FLAGS } from '@ids/packet';

// Read once: a re-exported binding is a getter call on every use in the compiled CommonJS.
const { SYN, FIN, RST } = TCP_FLAGS;

export interface TcpSegment {
  /** Event time of the packet, microseconds. */
  readonly tsUs: number;
  readonly seq: number;
  /** TCP flags as decoded by @ids/packet (FIN 0x01, SYN 0x02, RST 0x04, ...). */
  readonly flags: number;
  readonly payload: Uint8Array;
}

export interface TcpReassemblyOptions {
  /** Bytes of out-of-order data buffered per direction. */
  readonly maxBufferedBytes: number;
  /** Bytes of out-of-order data buffered for both directions together. */
  readonly maxConnectionBufferedBytes: number;
  /** Bytes of already delivered data kept per direction for patterns split across segments. */
  readonly windowBytes: number;
}

export const DEFAULT_TCP_REASSEMBLY_OPTIONS: TcpReassemblyOptions = {
  maxBufferedBytes: 256 * 1024,
  maxConnectionBufferedBytes: 384 * 1024,
  windowBytes: 4096,
};

export interface TcpStreamDelivery {
  readonly toServer: boolean;
  /**
   * The newly contiguous bytes. May be a view of the caller's payload (in-order segment) or of a
   * fresh buffer; read it before the next call.
   */
  readonly data: Uint8Array;
  /**
   * Up to `windowBytes` bytes delivered in this direction before `data`: a copy, reused by the
   * next delivery in the same direction (read it before then).
   */
  readonly tail: Uint8Array;
  /** Stream offset of `data[0]` (bytes delivered before it in this direction). */
  readonly offset: number;
}

export interface TcpStreamCounters {
  segments: number;
  retransmissions: number;
  /** Segments (or parts of them) that overlapped data already delivered or buffered. */
  overlaps: number;
  /** Overlapping bytes whose value differed from the first copy. */
  overlapMismatchBytes: number;
  outOfOrderSegments: number;
  droppedSegments: number;
  droppedBytes: number;
  /** Payload after the FIN or after a RST. */
  afterCloseSegments: number;
}

interface Pending { seq: number; data: Uint8Array }

class DirectionState {
  started = false;
  nextSeq = 0;
  delivered = 0;
  finSeq: number | null = null;
  closed = false;
  /** Out-of-order segments, sorted by sequence, never overlapping each other. */
  pending: Pending[] = [];
  pendingBytes = 0;
  /**
   * The last `windowLength` bytes delivered, in one of two buffers allocated on the first bytes
   * delivered (most directions of most connections carry none). `remember` writes the next window
   * into the other buffer (`spare`) and swaps them, so the window as it stood before a delivery
   * is still intact during it and is the delivery's `tail` as it is, not a copy of it.
   */
  window: Uint8Array = NO_TAIL;
  windowLength = 0;
  private spare: Uint8Array = NO_TAIL;
  /** The last views of `window` and `spare` handed out as tails: a tail of the same buffer and length reuses its view. */
  private windowView: Uint8Array = NO_TAIL;
  private spareView: Uint8Array = NO_TAIL;

  constructor(private readonly windowBytes: number) {}

  /** The window as it stands: valid until the window moves twice (the next delivery's `remember`). */
  tail(): Uint8Array {
    const n = this.windowLength;
    if (n === 0) return NO_TAIL;
    if (this.windowView.length !== n) this.windowView = n === this.window.length ? this.window : this.window.subarray(0, n);
    return this.windowView;
  }

  remember(data: Uint8Array): void {
    const cap = this.windowBytes;
    const length = data.length;
    if (cap === 0 || length === 0) return;
    if (this.window.length === 0) {
      this.window = new Uint8Array(cap);
      this.spare = new Uint8Array(cap);
    }
    const next = this.spare;
    let nextLength: number;
    if (length >= cap) {
      // Windows are a few dozen bytes for most rule sets: a loop beats a subarray and a set() call.
      if (cap <= SMALL_COPY) {
        for (let i = 0, j = length - cap; i < cap; i++, j++) next[i] = data[j];
      } else {
        next.set(data.subarray(length - cap));
      }
      nextLength = cap;
    } else {
      const keep = Math.min(this.windowLength, cap - length);
      const window = this.window;
      if (keep + length <= SMALL_COPY) {
        for (let i = 0, j = this.windowLength - keep; i < keep; i++, j++) next[i] = window[j];
        for (let i = 0; i < length; i++) next[keep + i] = data[i];
      } else {
        next.set(window.subarray(this.windowLength - keep, this.windowLength));
        next.set(data, keep);
      }
      nextLength = keep + length;
    }
    this.spare = this.window;
    this.window = next;
    const view = this.spareView;
    this.spareView = this.windowView;
    this.windowView = view;
    this.windowLength = nextLength;
  }
}

/** Copies up to this many bytes are loops (no view object, no call into the runtime). */
const SMALL_COPY = 64;

/** The tail when no window is kept (`windowBytes` 0) or nothing was delivered yet: empty, so shared. */
const NO_TAIL = new Uint8Array(0);

/** Signed distance from `b` to `a` in sequence space (a - b, modulo 2^32). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpStreamReassembler {
  readonly counters: TcpStreamCounters = {
    segments: 0, retransmissions: 0, overlaps: 0, overlapMismatchBytes: 0, outOfOrderSegments: 0,
    droppedSegments: 0, droppedBytes: 0, afterCloseSegments: 0,
  };
  private readonly dirs: [DirectionState, DirectionState];
  private reset = false;

  constructor(private readonly options: TcpReassemblyOptions = DEFAULT_TCP_REASSEMBLY_OPTIONS) {
    this.dirs = [new DirectionState(options.windowBytes), new DirectionState(options.windowBytes)];
  }

  /** True after a RST, or once both directions delivered everything up to their FIN. */
  get closed(): boolean {
    return this.reset || (this.dirs[0].closed && this.dirs[1].closed);
  }

  /** Bytes buffered out of order, both directions. */
  get bufferedBytes(): number {
    return this.dirs[0].pendingBytes + this.dirs[1].pendingBytes;
  }

  /** Bytes delivered so far in one direction. */
  deliveredBytes(toServer: boolean): number {
    return this.dir(toServer).delivered;
  }

  /** Takes one segment; returns the bytes that became contiguous, or null when none did. */
  accept(toServer: boolean, seg: TcpSegment): TcpStreamDelivery | null {
    this.counters.segments++;
    if (this.reset) {
      if (seg.payload.length > 0) this.counters.afterCloseSegments++;
      return null;
    }
    if ((seg.flags & RST) !== 0) {
      this.reset = true;
      for (const d of this.dirs) { d.pending = []; d.pendingBytes = 0; d.closed = true; }
      return null;
    }
    const d = this.dir(toServer);
    const syn = (seg.flags & SYN) !== 0;
    if (!d.started) {
      d.started = true;
      d.nextSeq = syn ? (seg.seq + 1) >>> 0 : seg.seq >>> 0;
    }
    // Data on a SYN is rare (TFO); its first byte is ISN + 1.
    const dataSeq = syn ? (seg.seq + 1) >>> 0 : seg.seq >>> 0;
    if ((seg.flags & FIN) !== 0 && d.finSeq === null) d.finSeq = (dataSeq + seg.payload.length) >>> 0;

    let delivery: TcpStreamDelivery | null = null;
    if (seg.payload.length > 0) delivery = this.acceptData(toServer, d, dataSeq, seg.payload);
    if (d.finSeq !== null && d.nextSeq === d.finSeq) d.closed = true;
    return delivery;
  }

  private acceptData(toServer: boolean, d: DirectionState, seq: number, payload: Uint8Array): TcpStreamDelivery | null {
    if (d.closed || (d.finSeq !== null && seqDiff(seq, d.finSeq) >= 0)) {
      this.counters.afterCloseSegments++;
      return null;
    }
    let data = payload;
    let start = seq;
    const behind = seqDiff(d.nextSeq, start);
    if (behind > 0) {
      if (behind >= data.length) { this.counters.retransmissions++; return null; }
      // Partly old: the delivered copy wins; only the new tail counts.
      this.counters.overlaps++;
      this.countMismatch(d, data.subarray(0, behind), behind);
      data = data.subarray(behind);
      start = d.nextSeq;
    }
    if (d.finSeq !== null) {
      const room = seqDiff(d.finSeq, start);
      if (room < data.length) data = data.subarray(0, Math.max(0, room));
    }
    if (start !== d.nextSeq) {
      this.counters.outOfOrderSegments++;
      this.buffer(d, start, data);
      return null;
    }
    // In order: deliver it, then whatever buffered data it made contiguous.
    const tail = d.tail();
    const offset = d.delivered;
    d.nextSeq = (d.nextSeq + data.length) >>> 0;
    if (d.pending.length === 0 || seqDiff(d.pending[0].seq, d.nextSeq) > 0) {
      // The common case: nothing buffered becomes contiguous; `data` is the caller's bytes, uncopied.
      d.delivered += data.length;
      d.remember(data);
      return { toServer, data, tail, offset };
    }
    const parts: Uint8Array[] = [data];
    let total = data.length;
    while (d.pending.length > 0) {
      const p = d.pending[0];
      const gap = seqDiff(p.seq, d.nextSeq);
      if (gap > 0) break;
      d.pending.shift();
      d.pendingBytes -= p.data.length;
      const fresh = -gap < p.data.length ? p.data.subarray(-gap) : null;
      if (gap < 0) this.counters.overlaps++;
      if (fresh === null) continue;
      parts.push(fresh);
      total += fresh.length;
      d.nextSeq = (d.nextSeq + fresh.length) >>> 0;
    }
    const out = parts.length === 1 ? data : concat(parts, total);
    d.delivered += out.length;
    d.remember(out);
    return { toServer, data: out, tail, offset };
  }

  /** Inserts an out-of-order range, keeping only bytes not already buffered (first wins). */
  private buffer(d: DirectionState, start: number, data: Uint8Array): void {
    const pieces: Pending[] = [];
    let cur = start;
    let rest = data;
    let overlapped = false;
    for (const p of d.pending) {
      if (rest.length === 0) break;
      const pEnd = (p.seq + p.data.length) >>> 0;
      if (seqDiff(pEnd, cur) <= 0) continue;
      const before = seqDiff(p.seq, cur);
      if (before >= rest.length) break;
      if (before > 0) {
        pieces.push({ seq: cur, data: rest.subarray(0, before) });
        rest = rest.subarray(before);
        cur = p.seq;
      }
      // rest now starts inside p: skip the covered part.
      const into = seqDiff(cur, p.seq);
      const covered = Math.min(rest.length, p.data.length - into);
      overlapped = true;
      this.countMismatchAgainst(p.data.subarray(into, into + covered), rest.subarray(0, covered));
      rest = rest.subarray(covered);
      cur = (cur + covered) >>> 0;
    }
    if (rest.length > 0) pieces.push({ seq: cur, data: rest });
    const adding = pieces.reduce((n, p) => n + p.data.length, 0);
    if (overlapped) {
      if (adding === 0) { this.counters.retransmissions++; return; }
      this.counters.overlaps++;
    }
    const other = d === this.dirs[0] ? this.dirs[1] : this.dirs[0];
    if (d.pendingBytes + adding > this.options.maxBufferedBytes
      || d.pendingBytes + other.pendingBytes + adding > this.options.maxConnectionBufferedBytes) {
      this.counters.droppedSegments++;
      this.counters.droppedBytes += adding;
      return;
    }
    for (const piece of pieces) {
      const copy = { seq: piece.seq, data: piece.data.slice() };
      const at = d.pending.findIndex((p) => seqDiff(p.seq, copy.seq) > 0);
      if (at < 0) d.pending.push(copy); else d.pending.splice(at, 0, copy);
      d.pendingBytes += copy.data.length;
    }
  }

  /** Compares the already delivered copy (still in the window) with a retransmitted prefix. */
  private countMismatch(d: DirectionState, newer: Uint8Array, behind: number): void {
    // newer[i] is the byte at stream offset delivered - behind + i.
    const winStart = d.windowLength - behind;
    for (let i = 0; i < newer.length; i++) {
      const w = winStart + i;
      if (w >= 0 && w < d.windowLength && d.window[w] !== newer[i]) this.counters.overlapMismatchBytes++;
    }
  }

  private countMismatchAgainst(first: Uint8Array, newer: Uint8Array): void {
    for (let i = 0; i < first.length; i++) if (first[i] !== newer[i]) this.counters.overlapMismatchBytes++;
  }

  private dir(toServer: boolean): DirectionState {
    return this.dirs[toServer ? 0 : 1];
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
