import type { FlowCloseReason } from '@ids/contracts';
import { emptyEndpointHistory, recordOnce, recordTcpHistory, seenBitsOf, HistoryBit, type EndpointHistory } from './conn-history.recorder';
import type { EndpointState } from './conn-state';
import { flowIds } from './flow-id';
import type { FlowKeyInput } from './flow-key';
import type { FlowOptions } from './flow-options';
import { addToFlowStats, openFlowStats, type FlowStatsState } from './flow-stats.accumulator';
import { guessService } from './service-port.table';

/** Current layout version of FlowState (see `upgradeFlowState` for older ones). */
export const FLOW_STATE_VERSION = 2;

/**
 * Everything known about one open flow. Plain JSON (strings, numbers, booleans, null): it is kept
 * in a key-value store backed by a compacted changelog topic and must survive a round trip.
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

/**
 * A new flow for the endpoints of `pkt`, whose sender becomes the initiator (unless the start
 * looks flipped, see `isFlippedStart`). No packet is counted yet: pass `pkt` to `updateFlow` next.
 */
export function openFlow(pkt: FlowPacket, key: string): FlowState {
  const flipped = isFlippedStart(pkt);
  const { uid, flowId } = flowIds(key, pkt.tsUs);
  return {
    v: FLOW_STATE_VERSION,
    key,
    uid,
    flowId,
    ipProto: pkt.ipProto,
    vlan: pkt.vlan,
    origH: flipped ? pkt.dst : pkt.src,
    origP: flipped ? pkt.dstPort : pkt.srcPort,
    respH: flipped ? pkt.src : pkt.dst,
    respP: flipped ? pkt.srcPort : pkt.dstPort,
    firstTsUs: pkt.tsUs,
    lastTsUs: pkt.tsUs,
    origPkts: 0,
    respPkts: 0,
    origBytes: 0,
    respBytes: 0,
    origIpBytes: 0,
    respIpBytes: 0,
    origWireBytes: 0,
    respWireBytes: 0,
    history: flipped ? '^' : '',
    historySeen: 0,
    origHistory: emptyEndpointHistory(),
    respHistory: emptyEndpointHistory(),
    origState: 'INACTIVE',
    respState: 'INACTIVE',
    origFinSeq: null,
    respFinSeq: null,
    origFinAcked: false,
    respFinAcked: false,
    stats: openFlowStats(pkt.tsUs),
  };
}

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
 */
export function updateFlow(state: FlowState, pkt: FlowPacket, options: FlowOptions, fromOrig = isFromInitiator(state, pkt)): FlowCloseReason | null {
  if (pkt.tsUs > state.lastTsUs) state.lastTsUs = pkt.tsUs;
  if (fromOrig) {
    state.origPkts++;
    state.origBytes += pkt.payloadLength;
    state.origIpBytes += pkt.ipBytes;
    state.origWireBytes += pkt.wireLength;
  } else {
    state.respPkts++;
    state.respBytes += pkt.payloadLength;
    state.respIpBytes += pkt.ipBytes;
    state.respWireBytes += pkt.wireLength;
  }
  if (state.stats !== null) addToFlowStats(state.stats, pkt, fromOrig, state.ipProto === TCP, options.activityTimeoutUs);
  if (state.ipProto !== TCP) {
    if (fromOrig) state.origState = 'ACTIVE';
    else state.respState = 'ACTIVE';
    if (state.ipProto === UDP && pkt.payloadLength > 0) recordOnce(state, fromOrig, HistoryBit.DATA, 'D');
    return null;
  }
  return updateTcp(state, pkt, fromOrig, options);
}

const HANDSHAKING = new Set<EndpointState>(['SYN_SENT', 'SYN_ACK_SENT']);

function updateTcp(state: FlowState, pkt: FlowPacket, fromOrig: boolean, options: FlowOptions): FlowCloseReason | null {
  const flags = pkt.tcpFlags;
  const syn = (flags & SYN) !== 0;
  const fin = (flags & FIN) !== 0;
  const rst = (flags & RST) !== 0;
  const ack = (flags & ACK) !== 0;

  let self = fromOrig ? state.origState : state.respState;
  let peer = fromOrig ? state.respState : state.origState;

  recordTcpHistory(state, fromOrig ? state.origHistory : state.respHistory, fromOrig, flags, pkt.tcpSeq, pkt.payloadLength, pkt.tcpWindow, peer === 'CLOSED', self === 'RESET');

  if (rst) {
    self = 'RESET';
  } else {
    if (syn) {
      if (!ack && self === 'INACTIVE') self = 'SYN_SENT';
      else if (ack && (self === 'INACTIVE' || self === 'SYN_SENT')) self = 'SYN_ACK_SENT';
    } else if (ack && HANDSHAKING.has(self) && HANDSHAKING.has(peer) && self !== peer) {
      // The ACK that completes SYN / SYN-ACK establishes both sides.
      self = 'ESTABLISHED';
      peer = 'ESTABLISHED';
    } else if (self === 'INACTIVE') {
      // Picked up mid-connection.
      self = 'PARTIAL';
    }
    if (fin && self !== 'RESET') {
      self = 'CLOSED';
      const finSeq = (pkt.tcpSeq + pkt.payloadLength + (syn ? 1 : 0)) >>> 0;
      if (fromOrig) state.origFinSeq = finSeq;
      else state.respFinSeq = finSeq;
    }
  }
  // Does this packet acknowledge the other side's FIN?
  if (ack) {
    const peerFinSeq = fromOrig ? state.respFinSeq : state.origFinSeq;
    if (peerFinSeq !== null && seqAtLeast(pkt.tcpAck, (peerFinSeq + 1) >>> 0)) {
      if (fromOrig) state.respFinAcked = true;
      else state.origFinAcked = true;
    }
  }
  if (fromOrig) {
    state.origState = self;
    if (state.respState !== 'RESET' && state.respState !== 'CLOSED') state.respState = peer;
  } else {
    state.respState = self;
    if (state.origState !== 'RESET' && state.origState !== 'CLOSED') state.origState = peer;
  }

  if (rst && options.closeOnRst) return 'RST';
  if (options.closeOnFin && state.origFinAcked && state.respFinAcked) return 'FIN';
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
