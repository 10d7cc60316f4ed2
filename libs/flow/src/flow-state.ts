import type { FlowCloseReason } from '@ids/contracts';
import { emptyEndpointHistory, openEndpointHistoryAt, recordOnce, recordTcpHistory, seenBitsOf, HistoryBit, type EndpointHistory } from './conn-history.recorder';
import type { EndpointState } from './conn-state';
import { FlowEntry } from './flow-entry';
import * as L from './flow-entry.layout';
import type { FlowKeyInput } from './flow-key';
import type { FlowOptions } from './flow-options';
import { FLOW_STATE_VERSION } from './flow-state.version';
import { addToFlowStats, openFlowStats, type FlowStatsState } from './flow-stats.accumulator';
import { guessService } from './service-port.table';

export { FLOW_STATE_VERSION } from './flow-state.version';

/**
 * Everything known about one open flow. Plain JSON (strings, numbers, booleans, null): it is kept
 * in a key-value store backed by a compacted changelog topic and must survive a round trip.
 * FlowTable keeps its flows as FlowEntry (flow-entry.ts), which reads as a FlowState and writes
 * this JSON; the functions here take either.
 */
export interface FlowState {
  /** Layout version of this object, for state restored from an older changelog. */
  v: typeof FLOW_STATE_VERSION;
  key: string;
  uid: string;
  flowId: number;
  ipProto: number;
  vlan: number | null;
  /**
   * The initiator (Zeek's originator) is the sender of the first packet, except when that packet
   * is a TCP SYN-ACK, or a UDP datagram from a known service port to an unknown one: then it is
   * the receiver, and the history starts with '^'.
   */
  origH: string;
  origP: number;
  respH: string;
  respP: number;
  firstTsUs: number;
  lastTsUs: number;
  origPkts: number;
  respPkts: number;
  /** Transport payload bytes. */
  origBytes: number;
  respBytes: number;
  origIpBytes: number;
  respIpBytes: number;
  /** Frame bytes on the wire (capture original length). */
  origWireBytes: number;
  respWireBytes: number;
  /** Zeek history letters in order of occurrence (repeat rules in conn-history.recorder.ts). */
  history: string;
  /** Once-per-direction history letters already recorded (HistoryBit; responder bits << 16). */
  historySeen: number;
  origHistory: EndpointHistory;
  respHistory: EndpointHistory;
  origState: EndpointState;
  respState: EndpointState;
  /** Sequence number of the FIN each side sent (its ACK acknowledges this + 1), or null. */
  origFinSeq: number | null;
  respFinSeq: number | null;
  origFinAcked: boolean;
  respFinAcked: boolean;
  /** CICFlowMeter statistics; null for a flow restored from a v1 state (its earlier packets were not measured). */
  stats: FlowStatsState | null;
}

/** FlowState as written before v2 (no history bookkeeping, no statistics). */
export type FlowStateV1 = Omit<FlowState, 'v' | 'historySeen' | 'origHistory' | 'respHistory' | 'stats'> & { v: 1 };

/** The fields of a packet the flow logic reads: a subset of @ids/packet's DecodedPacket. */
export interface FlowPacket extends FlowKeyInput {
  /** Event time, microseconds since the Unix epoch. */
  readonly tsUs: number;
  /** Frame length on the wire. */
  readonly wireLength: number;
  /** IP total length (IPv6: 40 + payload length). */
  readonly ipBytes: number;
  /** Transport payload bytes. */
  readonly payloadLength: number;
  /** TCP flag bits (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80); 0 for other protocols. */
  readonly tcpFlags: number;
  readonly tcpSeq: number;
  readonly tcpAck: number;
  /** TCP window field as sent (unscaled); 0 for other protocols. */
  readonly tcpWindow: number;
  /** Transport header length (TCP with options, 8 for UDP). */
  readonly transportHeaderLength: number;
  /**
   * Optional, as @ids/packet's PacketView has them: the frame, and the IP version and header
   * offset in it, so that FlowTable finds an IPv4 flow by its address bytes, without strings.
   */
  readonly frame?: Uint8Array;
  readonly ipVersion?: number;
  readonly ipOffset?: number;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const TCP = 6;
const UDP = 17;

/**
 * Whether the first packet of a flow came from the responder (Zeek flips the connection): a TCP
 * SYN-ACK, or a UDP datagram from a known service port to a port that is not one (Zeek's
 * likely_server_ports heuristic).
 */
export function isFlippedStart(pkt: FlowPacket): boolean {
  if (pkt.ipProto === TCP) return (pkt.tcpFlags & (SYN | ACK | RST | FIN)) === (SYN | ACK);
  if (pkt.ipProto === UDP) return guessService(UDP, pkt.srcPort) !== null && guessService(UDP, pkt.dstPort) === null;
  return false;
}

/** Scratch for the functions on plain FlowState objects: they load it, work on it, write back. */
const scratch = new FlowEntry();

/**
 * A new flow for the endpoints of `pkt`, whose sender becomes the initiator (unless the start
 * looks flipped, see `isFlippedStart`). No packet is counted yet: pass `pkt` to `updateFlow` next.
 */
export function openFlow(pkt: FlowPacket, key: string): FlowState {
  openEntry(scratch, pkt, key);
  return scratch.toJSON();
}

/**
 * `openFlow` into a FlowEntry (every field reset; its table links and tuple are the caller's).
 * `key` null: an IPv4 flow whose tuple the caller sets on the entry (key and addresses are made
 * from it when read); else the addresses are taken from `pkt`. Returns whether it is flipped.
 */
export function openEntry(e: FlowEntry, pkt: FlowPacket, key: string | null): boolean {
  const flipped = isFlippedStart(pkt);
  const d = e.d;
  const o = e.o;
  e.keyText = key;
  e.uidText = null;
  e.ipProto = pkt.ipProto;
  e.vlan = pkt.vlan;
  if (key === null) {
    e.origText = null;
    e.respText = null;
  } else {
    e.origText = flipped ? pkt.dst : pkt.src;
    e.respText = flipped ? pkt.src : pkt.dst;
  }
  e.origP = flipped ? pkt.dstPort : pkt.srcPort;
  e.respP = flipped ? pkt.srcPort : pkt.dstPort;
  // The numbers of a flow that opened at time 0, in two copies (the expiry queue's two times
  // between them are its own), then the times: a copy is two calls, not some 130 stores.
  d.set(OPENED_HEAD, o);
  d.set(OPENED_TAIL, o + L.OPENED_US + 1);
  const ts = pkt.tsUs;
  d[o + L.FIRST_TS] = ts;
  d[o + L.LAST_TS] = ts;
  d[o + L.ACTIVE_START_US] = ts;
  d[o + L.ACTIVE_END_US] = ts;
  e.history = flipped ? '^' : '';
  e.historySeen = 0;
  e.origState = 'INACTIVE';
  e.respState = 'INACTIVE';
  e.origFinAcked = false;
  e.respFinAcked = false;
  e.measured = true;
  return flipped;
}

/**
 * The numbers `openEntry` gives a flow whose first packet is at `firstTsUs` (its id not made
 * yet, nothing counted), but the expiry queue's TOUCHED_US / OPENED_US.
 */
export function writeOpenedNumbers(d: Float64Array, o: number, firstTsUs: number): void {
  d[o + L.FLOW_ID] = 0;
  d[o + L.FIRST_TS] = firstTsUs;
  d[o + L.LAST_TS] = firstTsUs;
  for (let i = L.ORIG_PKTS; i <= L.RESP_WIRE_BYTES; i++) d[o + i] = 0;
  openEndpointHistoryAt(d, o + L.ORIG_HISTORY);
  openEndpointHistoryAt(d, o + L.RESP_HISTORY);
  d[o + L.ORIG_FIN_SEQ] = NaN;
  d[o + L.RESP_FIN_SEQ] = NaN;
  openFlowStats(d, o, firstTsUs);
}

const OPENED = new Float64Array(L.FLOW_ENTRY_NUMBERS);
writeOpenedNumbers(OPENED, 0, 0);
const OPENED_HEAD = OPENED.subarray(0, L.TOUCHED_US);
const OPENED_TAIL = OPENED.subarray(L.OPENED_US + 1);

/**
 * A state restored from a changelog, brought to the current layout in place (and returned).
 * A v1 state gets empty history bookkeeping (its once-per-direction letters are read back from
 * `history`) and `stats: null`: statistics over only the rest of the flow would mislead.
 */
export function upgradeFlowState(state: FlowState | FlowStateV1): FlowState {
  if (state.v === FLOW_STATE_VERSION) return state;
  const upgraded = state as unknown as FlowState;
  upgraded.historySeen = seenBitsOf(state.history);
  upgraded.origHistory = emptyEndpointHistory();
  upgraded.respHistory = emptyEndpointHistory();
  upgraded.stats = null;
  upgraded.v = FLOW_STATE_VERSION;
  return upgraded;
}

/** Whether `pkt` was sent by the initiator of `state`. */
export function isFromInitiator(state: FlowState, pkt: FlowPacket): boolean {
  return pkt.src === state.origH && pkt.srcPort === state.origP;
}

/**
 * Counts `pkt` into `state` (mutated in place: it is a plain object the caller owns) and
 * advances the TCP state. Returns the reason when this packet closes the flow:
 *
 * - 'RST' on the first RST from either side (if `closeOnRst`);
 * - 'FIN' when both sides have sent a FIN and each FIN has been acknowledged by the other side
 *   (if `closeOnFin`); normally the last ACK of the FIN / FIN-ACK / ACK exchange.
 *
 * Otherwise null. A flow whose last ACK is never seen expires after `tcpClosingTimeoutUs`.
 * `fromOrig`: whether the initiator sent `pkt`, when the caller knows it without comparing strings.
 * The work is `updateEntry`'s: a plain state is loaded into a FlowEntry and written back.
 */
export function updateFlow(state: FlowState, pkt: FlowPacket, options: FlowOptions, fromOrig = isFromInitiator(state, pkt)): FlowCloseReason | null {
  if (state instanceof FlowEntry) return updateEntry(state, pkt, options, fromOrig);
  const reason = updateEntry(scratch.load(state), pkt, options, fromOrig);
  Object.assign(state, scratch.toJSON());
  return reason;
}

/** `updateFlow` on a FlowEntry: the per-packet work, nothing allocated (but history letters). */
export function updateEntry(e: FlowEntry, pkt: FlowPacket, options: FlowOptions, fromOrig: boolean): FlowCloseReason | null {
  const d = e.d;
  const o = e.o;
  if (pkt.tsUs > d[o + L.LAST_TS]) d[o + L.LAST_TS] = pkt.tsUs;
  if (fromOrig) {
    d[o + L.ORIG_PKTS]++;
    d[o + L.ORIG_BYTES] += pkt.payloadLength;
    d[o + L.ORIG_IP_BYTES] += pkt.ipBytes;
    d[o + L.ORIG_WIRE_BYTES] += pkt.wireLength;
  } else {
    d[o + L.RESP_PKTS]++;
    d[o + L.RESP_BYTES] += pkt.payloadLength;
    d[o + L.RESP_IP_BYTES] += pkt.ipBytes;
    d[o + L.RESP_WIRE_BYTES] += pkt.wireLength;
  }
  if (e.measured) addToFlowStats(d, o, pkt, fromOrig, e.ipProto === TCP, options.activityTimeoutUs);
  if (e.ipProto !== TCP) {
    if (fromOrig) e.origState = 'ACTIVE';
    else e.respState = 'ACTIVE';
    if (e.ipProto === UDP && pkt.payloadLength > 0) recordOnce(e, fromOrig, HistoryBit.DATA, 'D');
    return null;
  }
  return updateTcp(e, pkt, fromOrig, options);
}

function isHandshaking(s: EndpointState): boolean {
  return s === 'SYN_SENT' || s === 'SYN_ACK_SENT';
}

function updateTcp(e: FlowEntry, pkt: FlowPacket, fromOrig: boolean, options: FlowOptions): FlowCloseReason | null {
  const d = e.d;
  const o = e.o;
  const flags = pkt.tcpFlags;
  const syn = (flags & SYN) !== 0;
  const fin = (flags & FIN) !== 0;
  const rst = (flags & RST) !== 0;
  const ack = (flags & ACK) !== 0;

  let self = fromOrig ? e.origState : e.respState;
  let peer = fromOrig ? e.respState : e.origState;

  recordTcpHistory(e, d, o + (fromOrig ? L.ORIG_HISTORY : L.RESP_HISTORY), fromOrig, pkt, peer === 'CLOSED', self === 'RESET');

  if (rst) {
    self = 'RESET';
  } else {
    if (syn) {
      if (!ack && self === 'INACTIVE') self = 'SYN_SENT';
      else if (ack && (self === 'INACTIVE' || self === 'SYN_SENT')) self = 'SYN_ACK_SENT';
    } else if (ack && isHandshaking(self) && isHandshaking(peer) && self !== peer) {
      // The ACK that completes SYN / SYN-ACK establishes both sides.
      self = 'ESTABLISHED';
      peer = 'ESTABLISHED';
    } else if (self === 'INACTIVE') {
      // Picked up mid-connection.
      self = 'PARTIAL';
    }
    if (fin && self !== 'RESET') {
      self = 'CLOSED';
      d[o + (fromOrig ? L.ORIG_FIN_SEQ : L.RESP_FIN_SEQ)] = (pkt.tcpSeq + pkt.payloadLength + (syn ? 1 : 0)) >>> 0;
    }
  }
  // Does this packet acknowledge the other side's FIN? (NaN: the other side sent none.)
  if (ack) {
    const peerFinSeq = d[o + (fromOrig ? L.RESP_FIN_SEQ : L.ORIG_FIN_SEQ)];
    if (!Number.isNaN(peerFinSeq) && seqAtLeast(pkt.tcpAck, (peerFinSeq + 1) >>> 0)) {
      if (fromOrig) e.respFinAcked = true;
      else e.origFinAcked = true;
    }
  }
  if (fromOrig) {
    e.origState = self;
    if (e.respState !== 'RESET' && e.respState !== 'CLOSED') e.respState = peer;
  } else {
    e.respState = self;
    if (e.origState !== 'RESET' && e.origState !== 'CLOSED') e.origState = peer;
  }

  if (rst && options.closeOnRst) return 'RST';
  if (options.closeOnFin && e.origFinAcked && e.respFinAcked) return 'FIN';
  return null;
}

/** a >= b in 32-bit sequence space (RFC 1982). */
function seqAtLeast(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** A TCP flow that has ended (both FINs sent, or a RST) but was not emitted yet; its reason, or null. */
export function finishedReason(state: FlowState): 'FIN' | 'RST' | null {
  if (state.ipProto !== TCP) return null;
  if (state.origState === 'RESET' || state.respState === 'RESET') return 'RST';
  if (state.origFinSeq !== null && state.respFinSeq !== null) return 'FIN';
  return null;
}

/**
 * Whether `pkt` starts a new connection on the endpoints of a finished flow (TCP port reuse):
 * a SYN without ACK after both FINs or a RST. The caller emits `state` first and opens a new one.
 */
export function isPortReuse(state: FlowState, pkt: FlowPacket): boolean {
  return state.ipProto === TCP && (pkt.tcpFlags & (SYN | ACK)) === SYN && finishedReason(state) !== null;
}

function idleTimeoutUs(state: FlowState, options: FlowOptions): number {
  switch (state.ipProto) {
    case TCP: return options.tcpIdleTimeoutUs;
    case UDP: return options.udpIdleTimeoutUs;
    case 1:
    case 58: return options.icmpIdleTimeoutUs;
    default: return options.otherIdleTimeoutUs;
  }
}

/**
 * Whether the flow has timed out at event time `nowUs`, and why:
 * - 'FIN' / 'RST': a finished TCP flow quiet for `tcpClosingTimeoutUs`;
 * - 'IDLE': no packet for the protocol's idle timeout;
 * - 'ACTIVE': the flow has lasted `activeTimeoutUs`.
 * null while it is still live.
 */
export function expiry(state: FlowState, nowUs: number, options: FlowOptions): FlowCloseReason | null {
  const quiet = nowUs - state.lastTsUs;
  const finished = finishedReason(state);
  if (finished !== null && quiet >= options.tcpClosingTimeoutUs) return finished;
  if (quiet >= idleTimeoutUs(state, options)) return 'IDLE';
  if (nowUs - state.firstTsUs >= options.activeTimeoutUs) return 'ACTIVE';
  return null;
}
