/**
 * Zeek's conn.log `history` (base/protocols/conn/main.zeek; the TCP analyzer's update_history):
 * upper case for the originator, lower case for the responder, in order of occurrence.
 *
 *   S SYN without ACK   H SYN-ACK   A pure ACK   D payload   F FIN   R RST
 *   Q SYN with FIN or RST   I FIN with RST   T retransmitted payload   W zero window
 *   ^ the flow was flipped: the first packet seen came from the responder
 *
 * Repeat rule, as Zeek: A, D, Q, I at most once per direction; S/H, F, R again whenever the
 * packet's sequence number differs from the last one of that kind (a retransmitted SYN adds
 * nothing, a new SYN after a RST does); T and W are logarithmic: the letter is added on the 1st,
 * 10th, 100th... occurrence. Zeek's C (bad checksum) and G (content gap) are not recorded.
 */

import * as L from './flow-entry.layout';
import { HistoryTextInterner } from './history-text.interner';

/** Per-direction bookkeeping for the repeat rules. Plain JSON (an open flow keeps it as numbers: flow-entry.layout.ts). */
export interface EndpointHistory {
  /** Sequence number of the last SYN / FIN (its end: seq + payload) / RST sent, or null. */
  lastSyn: number | null;
  lastFin: number | null;
  lastRst: number | null;
  /** One past the highest sequence number sent (Zeek's LastSeq), or null before the first packet. */
  lastSeq: number | null;
  retransmits: number;
  /** The retransmit count at which the next T is added (1, 10, 100, ...). */
  retransmitsNextMark: number;
  zeroWindows: number;
  zeroWindowsNextMark: number;
}

export function emptyEndpointHistory(): EndpointHistory {
  return { lastSyn: null, lastFin: null, lastRst: null, lastSeq: null, retransmits: 0, retransmitsNextMark: 1, zeroWindows: 0, zeroWindowsNextMark: 1 };
}

/** What the recorder reads and writes on a flow. */
export interface HistoryTarget {
  history: string;
  /** Bits of the once-per-direction letters already recorded (HistoryBit; responder bits << 16). */
  historySeen: number;
}

/** Bits of `HistoryTarget.historySeen`, for the originator; the responder's are shifted left by 16. */
export const HistoryBit = {
  SYN: 0x01, // S and H share one bit, as in Zeek
  FIN: 0x02,
  RST: 0x04,
  DATA: 0x08,
  ACK: 0x10,
  MULTI_FLAG: 0x20,
  FIN_RST: 0x40,
} as const;

const LETTER_BITS: Record<string, number> = { S: HistoryBit.SYN, H: HistoryBit.SYN, F: HistoryBit.FIN, R: HistoryBit.RST, D: HistoryBit.DATA, A: HistoryBit.ACK, Q: HistoryBit.MULTI_FLAG, I: HistoryBit.FIN_RST };

/** The seen-bits implied by a history string (for state written before `historySeen` existed). */
export function seenBitsOf(history: string): number {
  let bits = 0;
  for (const ch of history) {
    const upper = ch.toUpperCase();
    const bit = LETTER_BITS[upper];
    if (bit !== undefined) bits |= ch === upper ? bit : bit << 16;
  }
  return bits;
}

/** Records `letter` (given in upper case) once per direction; returns whether it was seen before. */
export function recordOnce(flow: HistoryTarget, fromOrig: boolean, bit: number, letter: string): boolean {
  const mask = fromOrig ? bit : bit << 16;
  if ((flow.historySeen & mask) !== 0) return true;
  flow.historySeen |= mask;
  addLetter(flow, fromOrig, letter);
  return false;
}

function addLetter(flow: HistoryTarget, fromOrig: boolean, letter: string): void {
  flow.history = histories.append(flow.history, fromOrig ? letter : LOWER[letter.charCodeAt(0)]);
}

/** Histories shared by all flows (history-text.interner.ts): a letter allocates nothing, and open flows point to no young string. */
const histories = new HistoryTextInterner(1 << 14);

/** The responder's letter of each upper-case one, by character code (toLowerCase makes a new string each time). */
const LOWER = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code).toLowerCase());

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** int32 difference of two TCP sequence numbers (RFC 1982). */
function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/** The fields of a TCP segment the recorder reads (a subset of FlowPacket). */
export interface HistorySegment {
  readonly tcpFlags: number;
  readonly tcpSeq: number;
  readonly payloadLength: number;
  readonly tcpWindow: number;
}

/**
 * The history letters of one TCP segment (Zeek's update_history, then its retransmission and
 * zero-window checks). The sender's EndpointHistory is the numbers at `d[ep]`
 * (flow-entry.layout.ts; null is NaN). `peerClosed` / `selfReset`: the states before this
 * packet, which make a zero window uninteresting. Takes the segment, not its numbers: a
 * sequence number above 2^31 is a double, which a call that is not inlined passes in a heap box.
 */
export function recordTcpHistory(
  flow: HistoryTarget, d: Float64Array, ep: number, fromOrig: boolean, segment: HistorySegment, peerClosed: boolean, selfReset: boolean,
): void {
  const flags = segment.tcpFlags;
  const seq = segment.tcpSeq;
  const payloadLength = segment.payloadLength;
  const window = segment.tcpWindow;
  const syn = (flags & SYN) !== 0;
  const fin = (flags & FIN) !== 0;
  const rst = (flags & RST) !== 0;
  const bitsSet = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bitsSet > 1) {
    if (fin && rst) recordOnce(flow, fromOrig, HistoryBit.FIN_RST, 'I');
    else recordOnce(flow, fromOrig, HistoryBit.MULTI_FLAG, 'Q');
  } else if (syn) {
    const letter = (flags & ACK) !== 0 ? 'H' : 'S';
    if (recordOnce(flow, fromOrig, HistoryBit.SYN, letter) && seq !== d[ep + L.H_LAST_SYN]) addLetter(flow, fromOrig, letter);
    d[ep + L.H_LAST_SYN] = seq;
  } else if (fin) {
    // A FIN's sequence number is at the end of the packet's payload.
    const end = (seq + payloadLength) >>> 0;
    if (recordOnce(flow, fromOrig, HistoryBit.FIN, 'F') && end !== d[ep + L.H_LAST_FIN]) addLetter(flow, fromOrig, 'F');
    d[ep + L.H_LAST_FIN] = end;
  } else if (rst) {
    if (recordOnce(flow, fromOrig, HistoryBit.RST, 'R') && seq !== d[ep + L.H_LAST_RST]) addLetter(flow, fromOrig, 'R');
    d[ep + L.H_LAST_RST] = seq;
  } else if (payloadLength > 0) {
    recordOnce(flow, fromOrig, HistoryBit.DATA, 'D');
  } else if ((flags & ACK) !== 0) {
    recordOnce(flow, fromOrig, HistoryBit.ACK, 'A');
  }

  // Retransmission (Zeek's update_last_seq): payload that ends at or before what was already sent.
  const end = (seq + payloadLength + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
  const lastSeq = d[ep + L.H_LAST_SEQ];
  if (Number.isNaN(lastSeq)) {
    d[ep + L.H_LAST_SEQ] = end;
  } else {
    const delta = seqDelta(end, lastSeq);
    if ((syn || rst) && (delta > 16384 || delta < -16384)) {
      d[ep + L.H_LAST_SEQ] = end; // a new SYN or a RST far away resets the notion of the last sequence number
    } else if (delta <= 0 && payloadLength > 0) {
      if (++d[ep + L.H_RETRANSMITS] === d[ep + L.H_RETRANSMITS_NEXT_MARK]) {
        addLetter(flow, fromOrig, 'T');
        d[ep + L.H_RETRANSMITS_NEXT_MARK] *= 10;
      }
    } else if (delta > 0) {
      d[ep + L.H_LAST_SEQ] = end;
    }
  }

  // Zero window: not on a SYN (its window is unscaled and often rescinded), nor with or after a
  // RST, nor after the peer's FIN (there is no relevant window then).
  if (window === 0 && !syn && !rst && !peerClosed && !selfReset) {
    if (++d[ep + L.H_ZERO_WINDOWS] === d[ep + L.H_ZERO_WINDOWS_NEXT_MARK]) {
      addLetter(flow, fromOrig, 'W');
      d[ep + L.H_ZERO_WINDOWS_NEXT_MARK] *= 10;
    }
  }
}

const nullable = (x: number): number | null => (Number.isNaN(x) ? null : x);
const orNaN = (x: number | null): number => (x === null ? NaN : x);

/** The EndpointHistory at `d[ep]` in its JSON form. */
export function endpointHistoryAt(d: Float64Array, ep: number): EndpointHistory {
  return {
    lastSyn: nullable(d[ep + L.H_LAST_SYN]),
    lastFin: nullable(d[ep + L.H_LAST_FIN]),
    lastRst: nullable(d[ep + L.H_LAST_RST]),
    lastSeq: nullable(d[ep + L.H_LAST_SEQ]),
    retransmits: d[ep + L.H_RETRANSMITS],
    retransmitsNextMark: d[ep + L.H_RETRANSMITS_NEXT_MARK],
    zeroWindows: d[ep + L.H_ZERO_WINDOWS],
    zeroWindowsNextMark: d[ep + L.H_ZERO_WINDOWS_NEXT_MARK],
  };
}

/** Writes an EndpointHistory in its JSON form to `d[ep]`. */
export function putEndpointHistoryAt(d: Float64Array, ep: number, h: EndpointHistory): void {
  d[ep + L.H_LAST_SYN] = orNaN(h.lastSyn);
  d[ep + L.H_LAST_FIN] = orNaN(h.lastFin);
  d[ep + L.H_LAST_RST] = orNaN(h.lastRst);
  d[ep + L.H_LAST_SEQ] = orNaN(h.lastSeq);
  d[ep + L.H_RETRANSMITS] = h.retransmits;
  d[ep + L.H_RETRANSMITS_NEXT_MARK] = h.retransmitsNextMark;
  d[ep + L.H_ZERO_WINDOWS] = h.zeroWindows;
  d[ep + L.H_ZERO_WINDOWS_NEXT_MARK] = h.zeroWindowsNextMark;
}

/** An empty EndpointHistory at `d[ep]`. */
export function openEndpointHistoryAt(d: Float64Array, ep: number): void {
  putEndpointHistoryAt(d, ep, EMPTY_HISTORY);
}

const EMPTY_HISTORY: Readonly<EndpointHistory> = Object.freeze(emptyEndpointHistory());
