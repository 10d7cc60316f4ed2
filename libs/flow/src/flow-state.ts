import type { FlowCloseReason } from '@ids/contracts';
import type { EndpointState } from './conn-state';
import { flowNumericId, flowUid } from './flow-id';
import type { FlowKeyInput } from './flow-key';
import type { FlowOptions } from './flow-options';

/**
 * Everything known about one open flow. Plain JSON (strings, numbers, booleans, null): it is kept
 * in a key-value store backed by a compacted changelog topic and must survive a round trip.
 */
export interface FlowState {
  /** Layout version of this object, for state restored from an older changelog. */
  v: 1;
  key: string;
  uid: string;
  flowId: number;
  ipProto: number;
  vlan: number | null;
  /** The initiator is the sender of the first packet. */
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
  /** Zeek history letters, each at most once per direction, in order of first occurrence. */
  history: string;
  origState: EndpointState;
  respState: EndpointState;
  /** Sequence number of the FIN each side sent (its ACK acknowledges this + 1), or null. */
  origFinSeq: number | null;
  respFinSeq: number | null;
  origFinAcked: boolean;
  respFinAcked: boolean;
}

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
  /** TCP flag bits (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10); 0 for other protocols. */
  readonly tcpFlags: number;
  readonly tcpSeq: number;
  readonly tcpAck: number;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const TCP = 6;
const UDP = 17;

/**
 * A new flow for the endpoints of `pkt`, whose sender becomes the initiator. No packet is
 * counted yet: pass `pkt` to `updateFlow` next.
 */
export function openFlow(pkt: FlowPacket, key: string): FlowState {
  return {
    v: 1,
    key,
    uid: flowUid(key, pkt.tsUs),
    flowId: flowNumericId(key, pkt.tsUs),
    ipProto: pkt.ipProto,
    vlan: pkt.vlan,
    origH: pkt.src,
    origP: pkt.srcPort,
    respH: pkt.dst,
    respP: pkt.dstPort,
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
    history: '',
    origState: 'INACTIVE',
    respState: 'INACTIVE',
    origFinSeq: null,
    respFinSeq: null,
    origFinAcked: false,
    respFinAcked: false,
  };
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
 */
export function updateFlow(state: FlowState, pkt: FlowPacket, options: FlowOptions): FlowCloseReason | null {
  const fromOrig = isFromInitiator(state, pkt);
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
  if (state.ipProto !== TCP) {
    if (fromOrig) state.origState = 'ACTIVE';
    else state.respState = 'ACTIVE';
    if (state.ipProto === UDP && pkt.payloadLength > 0) addHistory(state, fromOrig ? 'D' : 'd');
    return null;
  }
  return updateTcp(state, pkt, fromOrig, options);
}

function addHistory(state: FlowState, letter: string): void {
  if (!state.history.includes(letter)) state.history += letter;
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

  if (syn) addHistory(state, ack ? (fromOrig ? 'H' : 'h') : fromOrig ? 'S' : 's');
  if (fin) addHistory(state, fromOrig ? 'F' : 'f');
  if (rst) addHistory(state, fromOrig ? 'R' : 'r');
  if (pkt.payloadLength > 0) addHistory(state, fromOrig ? 'D' : 'd');
  else if (ack && !syn && !fin && !rst) addHistory(state, fromOrig ? 'A' : 'a');

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
