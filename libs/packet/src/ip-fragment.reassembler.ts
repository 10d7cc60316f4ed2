// IPv4 and IPv6 fragment reassembly, on event time: every timestamp comes from a packet, there
// is no clock. A completed datagram comes back as a new frame of the same link type that
// decodePacket decodes as an unfragmented packet:
//   link header and IP header of the offset-0 fragment (so VLAN tags survive; IPv6: with its
//   unfragmentable extension headers, the fragment header removed) | the data, in order
//   IPv4: total length set, MF and offset cleared (DF kept), header checksum recomputed
//   IPv6: payload length set, the next header that named the fragment header now names the
//         protocol of the offset-0 fragment's fragment header
//
// Policy (documented in README.md):
// - overlap: the first bytes received win (the 'first' target policy; Linux before 4.19, and
//   RFC 5722 for IPv6, drop the whole datagram instead). A fragment whose shared bytes all
//   match is a `duplicate`; one with different bytes an `overlap` and a wrong fragment.
// - a non-last fragment whose length is not a multiple of 8 is cut to one (as Linux does) and
//   counts as wrong; a last fragment that disagrees with the known end, or data past it, drops
//   the datagram (`invalid`, as Linux).
// - bounds: a datagram over maxDatagramSize is dropped (`too-big`: ping of death); past
//   maxDatagrams or maxBytes held the oldest datagrams are evicted (`memory-limit`), so a
//   fragment flood cannot keep new traffic out; a datagram older than timeoutUs (from its
//   first fragment) is dropped (`timeout`).
import type { DecodedPacket } from './decoded-packet';
import { readFragment, type FragmentView } from './ip-fragment.reader';

export interface IpReassemblerOptions {
  /** How long a datagram may wait for its fragments, from the first one; default 30 s (Linux ipfrag_time). */
  readonly timeoutUs?: number;
  /** Bytes held over all pending datagrams (fragment data and the kept headers); default 4 MiB (Linux ipfrag_high_thresh). */
  readonly maxBytes?: number;
  /** Pending datagrams; default 4096. */
  readonly maxDatagrams?: number;
  /** Largest IPv4 total length or IPv6 payload length; default 65535 (the fields' limit). */
  readonly maxDatagramSize?: number;
}

export type ReassemblyDropReason = 'too-big' | 'memory-limit' | 'invalid' | 'truncated';

export type ReassemblyResult =
  | { readonly kind: 'not-fragment' }
  | { readonly kind: 'pending' }
  | {
      readonly kind: 'complete';
      /** The rebuilt frame, for `decodePacket(frame, linkType, tsUs, wireLength)`. */
      readonly frame: Buffer;
      readonly linkType: number;
      /** Timestamp of the fragment that completed the datagram. */
      readonly tsUs: number;
      readonly wireLength: number;
      /** Fragments received for this datagram, duplicates and overlaps included. */
      readonly fragments: number;
      /** Fragments that overlapped held data with different bytes, or had a length not a multiple of 8 (NSL-KDD `wrong_fragment`). */
      readonly wrongFragments: number;
    }
  | { readonly kind: 'dropped'; readonly reason: ReassemblyDropReason; readonly detail: string };

/**
 * What happened, by reason. Fragment counts: `fragments` (every one pushed), `duplicate`,
 * `overlap`, `invalid`, `truncated`. Datagram counts: `completed`, `timeout`, `too-big`,
 * `memory-limit`.
 */
export type ReassemblyCounter = 'fragments' | 'completed' | 'duplicate' | 'overlap' | 'timeout' | ReassemblyDropReason;

interface Piece {
  readonly start: number;
  readonly end: number;
  readonly data: Buffer;
}

interface Datagram {
  readonly key: string;
  readonly deadlineUs: number;
  /** Data pieces, sorted, never overlapping. */
  readonly pieces: Piece[];
  /** Data bytes held: the datagram is complete when they reach `length`. */
  dataBytes: number;
  /** Data length, known from the last fragment; -1 before. */
  length: number;
  /** Link and IP header bytes of the offset-0 fragment, null before it came. */
  head: Buffer | null;
  linkType: number;
  ipVersion: 4 | 6;
  ipOffset: number;
  nextHeaderAt: number;
  nextHeader: number;
  fragments: number;
  wrongFragments: number;
}

const NOT_FRAGMENT: ReassemblyResult = { kind: 'not-fragment' };
const PENDING: ReassemblyResult = { kind: 'pending' };

export class IpReassembler {
  private readonly timeoutUs: number;
  private readonly maxBytes: number;
  private readonly maxDatagrams: number;
  private readonly maxDatagramSize: number;
  /** In order of first fragment: the oldest datagram, first to expire or be evicted, comes first. */
  private readonly datagrams = new Map<string, Datagram>();
  private held = 0;
  private readonly counts: Record<ReassemblyCounter, number> = {
    fragments: 0, completed: 0, duplicate: 0, overlap: 0, timeout: 0, 'too-big': 0, 'memory-limit': 0, invalid: 0, truncated: 0,
  };

  constructor(options: IpReassemblerOptions = {}) {
    this.timeoutUs = options.timeoutUs ?? 30_000_000;
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.maxDatagrams = options.maxDatagrams ?? 4096;
    this.maxDatagramSize = options.maxDatagramSize ?? 65535;
  }

  get counters(): Readonly<Record<ReassemblyCounter, number>> {
    return { ...this.counts };
  }

  get pendingDatagrams(): number {
    return this.datagrams.size;
  }

  /** Bytes held over all pending datagrams. */
  get bytesHeld(): number {
    return this.held;
  }

  /**
   * Takes a decoded packet and its frame. A packet that is no fragment comes back `not-fragment`
   * (decode it as it is); a fragment is copied and held (`pending`) until its datagram is
   * `complete`, or is `dropped`. Expires datagrams older than the packet's time first.
   */
  push(frame: Buffer, pkt: DecodedPacket): ReassemblyResult {
    if (!pkt.fragment) return NOT_FRAGMENT;
    this.counts.fragments++;
    this.expire(pkt.tsUs);
    const view = readFragment(frame, pkt);
    if (typeof view === 'string') return this.drop('invalid', view);
    if (view.dataEnd > frame.length) return this.drop('truncated', `fragment data ends at ${view.dataEnd}, ${frame.length} bytes captured`);
    let end = view.offset + view.dataEnd - view.dataStart;
    let wrong = 0;
    if (view.more && (end - view.offset) % 8 !== 0) {
      end -= (end - view.offset) % 8;
      wrong = 1;
    }
    if (end <= view.offset) return this.drop('invalid', `empty fragment at offset ${view.offset}`);

    const ipHeaderBytes = view.headerEnd - pkt.ipOffset - (pkt.ipVersion === 6 ? 40 : 0);
    if (ipHeaderBytes + end > this.maxDatagramSize) {
      this.remove(view.key);
      return this.drop('too-big', `data to ${end} after ${ipHeaderBytes} header bytes`);
    }
    // An atomic fragment (RFC 6946: offset 0, no more) stands alone and never joins a datagram.
    if (view.offset === 0 && !view.more) {
      const atomic = this.newDatagram(view.key, pkt.tsUs);
      this.setHead(atomic, frame, view, pkt);
      atomic.pieces.push({ start: 0, end, data: frame.subarray(view.dataStart, view.dataStart + end) });
      atomic.length = end;
      atomic.fragments = 1;
      return this.complete(atomic, pkt.tsUs);
    }

    let d = this.datagrams.get(view.key);
    if (d !== undefined && pkt.tsUs > d.deadlineUs) {
      this.remove(view.key);
      this.counts.timeout++;
      d = undefined;
    }
    if (d === undefined) {
      if (this.datagrams.size >= this.maxDatagrams) this.evictOldest();
      d = this.newDatagram(view.key, pkt.tsUs);
      this.datagrams.set(view.key, d);
    }
    d.fragments++;
    d.wrongFragments += wrong;

    if (!view.more) {
      if ((d.length >= 0 && d.length !== end) || (d.dataBytes > 0 && d.pieces[d.pieces.length - 1].end > end)) {
        this.remove(d.key);
        return this.drop('invalid', `last fragment ends at ${end}, datagram ${d.length >= 0 ? `ends at ${d.length}` : `has data to ${d.pieces[d.pieces.length - 1].end}`}`);
      }
      d.length = end;
    } else if (d.length >= 0 && end > d.length) {
      this.remove(d.key);
      return this.drop('invalid', `fragment data to ${end} past the last fragment's end ${d.length}`);
    }

    const headBytes = view.offset === 0 && d.head === null ? view.headerEnd : 0;
    const newBytes = headBytes + this.uncovered(d, view.offset, end);
    if (!this.makeRoom(d, newBytes)) {
      this.remove(d.key);
      this.counts['memory-limit']++;
      return { kind: 'dropped', reason: 'memory-limit', detail: `datagram needs more than ${this.maxBytes} bytes` };
    }
    if (headBytes > 0) {
      this.setHead(d, frame, view, pkt);
      this.held += headBytes;
    }
    this.insert(d, frame, view, end);
    if (d.length < 0 || d.head === null || d.dataBytes < d.length) return PENDING;
    this.remove(d.key);
    return this.complete(d, pkt.tsUs);
  }

  /** Drops the datagrams whose time ran out at `nowUs`; returns how many. */
  expire(nowUs: number): number {
    let expired = 0;
    // Map order is first-fragment order, so the walk stops at the first datagram still in time
    // (exact for a capture in time order; out-of-order stamps only delay an expiry).
    for (const d of this.datagrams.values()) {
      if (d.deadlineUs >= nowUs) break;
      this.remove(d.key);
      expired++;
    }
    this.counts.timeout += expired;
    return expired;
  }

  private newDatagram(key: string, tsUs: number): Datagram {
    return {
      key, deadlineUs: tsUs + this.timeoutUs, pieces: [], dataBytes: 0, length: -1, head: null,
      linkType: 0, ipVersion: 4, ipOffset: 0, nextHeaderAt: -1, nextHeader: 0, fragments: 0, wrongFragments: 0,
    };
  }

  /** Keeps the offset-0 fragment's link and IP headers, which the rebuilt frame starts with. */
  private setHead(d: Datagram, frame: Buffer, view: FragmentView, pkt: DecodedPacket): void {
    d.head = Buffer.from(frame.subarray(0, view.headerEnd));
    d.linkType = pkt.linkType;
    d.ipVersion = pkt.ipVersion;
    d.ipOffset = pkt.ipOffset;
    d.nextHeaderAt = view.nextHeaderAt;
    d.nextHeader = view.nextHeader;
  }

  /** Data bytes of [start, end) that no held piece covers. */
  private uncovered(d: Datagram, start: number, end: number): number {
    let covered = 0;
    for (const p of d.pieces) {
      if (p.start >= end) break;
      if (p.end > start) covered += Math.min(p.end, end) - Math.max(p.start, start);
    }
    return end - start - covered;
  }

  /** Adds the parts of the fragment no piece holds yet: the first bytes received win. */
  private insert(d: Datagram, frame: Buffer, view: FragmentView, end: number): void {
    const at = (offset: number) => view.dataStart + offset - view.offset;
    const added: Piece[] = [];
    let cursor = view.offset;
    let shared = false;
    let conflict = false;
    for (const p of d.pieces) {
      if (p.start >= end) break;
      if (p.end <= cursor) continue;
      if (p.start > cursor) added.push(this.piece(frame, cursor, p.start, at(cursor)));
      const from = Math.max(p.start, cursor);
      const to = Math.min(p.end, end);
      shared = true;
      if (!conflict && frame.compare(p.data, from - p.start, to - p.start, at(from), at(to)) !== 0) conflict = true;
      cursor = Math.max(cursor, p.end);
    }
    if (cursor < end) added.push(this.piece(frame, cursor, end, at(cursor)));
    if (conflict) {
      this.counts.overlap++;
      d.wrongFragments++;
    } else if (shared) {
      this.counts.duplicate++;
    }
    for (const piece of added) {
      let i = d.pieces.length;
      while (i > 0 && d.pieces[i - 1].start > piece.start) i--;
      d.pieces.splice(i, 0, piece);
      d.dataBytes += piece.end - piece.start;
      this.held += piece.end - piece.start;
    }
  }

  private piece(frame: Buffer, start: number, end: number, frameStart: number): Piece {
    // A copy: the capture may reuse the frame's memory.
    return { start, end, data: Buffer.from(frame.subarray(frameStart, frameStart + end - start)) };
  }

  /** Evicts the oldest other datagrams until `bytes` more fit; false when `d` alone cannot. */
  private makeRoom(d: Datagram, bytes: number): boolean {
    if (this.datagramBytes(d) + bytes > this.maxBytes) return false;
    while (this.held + bytes > this.maxBytes) {
      if (!this.evictOldest(d)) return false;
    }
    return true;
  }

  private evictOldest(keep?: Datagram): boolean {
    for (const d of this.datagrams.values()) {
      if (d === keep) continue;
      this.remove(d.key);
      this.counts['memory-limit']++;
      return true;
    }
    return false;
  }

  private datagramBytes(d: Datagram): number {
    return d.dataBytes + (d.head?.length ?? 0);
  }

  private remove(key: string): void {
    const d = this.datagrams.get(key);
    if (d === undefined) return;
    this.held -= this.datagramBytes(d);
    this.datagrams.delete(key);
  }

  private drop(reason: ReassemblyDropReason, detail: string): ReassemblyResult {
    this.counts[reason]++;
    return { kind: 'dropped', reason, detail };
  }

  private complete(d: Datagram, tsUs: number): ReassemblyResult {
    const head = d.head as Buffer;
    const ip = d.ipOffset;
    const ipHeaderBytes = head.length - ip - (d.ipVersion === 6 ? 40 : 0);
    if (ipHeaderBytes + d.length > this.maxDatagramSize) return this.drop('too-big', `${ipHeaderBytes + d.length} bytes`);
    const out = Buffer.allocUnsafe(head.length + d.length);
    head.copy(out, 0);
    for (const p of d.pieces) p.data.copy(out, head.length + p.start);
    if (d.ipVersion === 4) {
      const headerLength = head.length - ip;
      out.writeUInt16BE(headerLength + d.length, ip + 2);
      out.writeUInt16BE(out.readUInt16BE(ip + 6) & 0xc000, ip + 6);
      out.writeUInt16BE(0, ip + 10);
      out.writeUInt16BE(ipv4HeaderChecksum(out, ip, headerLength), ip + 10);
    } else {
      out.writeUInt16BE(ipHeaderBytes + d.length, ip + 4);
      out[d.nextHeaderAt] = d.nextHeader;
    }
    this.counts.completed++;
    return { kind: 'complete', frame: out, linkType: d.linkType, tsUs, wireLength: out.length, fragments: d.fragments, wrongFragments: d.wrongFragments };
  }
}

/** RFC 1071 checksum of an IPv4 header whose checksum field is 0. */
function ipv4HeaderChecksum(frame: Buffer, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i += 2) sum += (frame[offset + i] << 8) | frame[offset + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
