/**
 * Per-flow state of the signature engine: which side is the client, whether the flow is
 * established (Suricata's `flow:established`), the flow's first packet time (for its flow id),
 * and whatever per-connection state the engine hangs on it (reassembler, HTTP parsers).
 *
 * Established, as Suricata 7 sets FLOW_PKT_ESTABLISHED: TCP once the 3-way handshake completed
 * (the ACK that completes it is not yet established: the flag is taken before the stream engine
 * sees the packet) and until the connection closed (RST, or FIN both ways); UDP and others once
 * both directions were seen, the first reply included. A TCP flow picked up mid-stream (no SYN)
 * never becomes established (Suricata's default `stream.midstream: false`).
 *
 * Bounded (least recently active evicted) and expired on idleness in event time, like
 * TcpConnectionTable: a Map re-inserted on each packet keeps both costs O(removed).
 */

import { TCP_FLAGS } from '@ids/packet';

export interface DetectionFlowTrackerOptions {
  readonly maxFlows: number;
  /** A flow with no packet for this long (event time) is forgotten. */
  readonly idleTimeoutUs: number;
}

export const DEFAULT_DETECTION_FLOW_TRACKER_OPTIONS: DetectionFlowTrackerOptions = {
  maxFlows: 65_536,
  idleTimeoutUs: 120_000_000,
};

/** The fields of a packet the tracker reads (a DecodedPacket fits). */
export interface FlowPacketView {
  readonly tsUs: number;
  readonly ipProto: number;
  readonly src: string;
  readonly srcPort: number;
  readonly tcpFlags: number;
}

export interface DetectionFlow<S> {
  readonly firstTsUs: number;
  /** `addr/port` of the client (SYN sender, SYN-ACK receiver, else first sender). */
  client: string;
  lastSeenUs: number;
  seenToServer: boolean;
  seenToClient: boolean;
  synSeen: boolean;
  synAckSeen: boolean;
  handshakeDone: boolean;
  finToServer: boolean;
  finToClient: boolean;
  closed: boolean;
  /** The engine's per-flow state. */
  readonly state: S;
}

export interface FlowObservation<S> {
  flow: DetectionFlow<S>;
  toServer: boolean;
  /** Established as this packet is inspected. */
  established: boolean;
  /** This packet started the flow (new, or a port reuse after a close). */
  started: boolean;
}

export interface DetectionFlowCounters {
  created: number;
  expired: number;
  evicted: number;
  reused: number;
}

const TCP = 6;

export class DetectionFlowTracker<S> {
  readonly counters: DetectionFlowCounters = { created: 0, expired: 0, evicted: 0, reused: 0 };
  private readonly flows = new Map<string, DetectionFlow<S>>();

  constructor(
    private readonly newState: () => S,
    private readonly options: DetectionFlowTrackerOptions = DEFAULT_DETECTION_FLOW_TRACKER_OPTIONS,
    /** Told when a flow is dropped (expired, evicted, replaced), to free state kept elsewhere. */
    private readonly onDrop: (key: string, flow: DetectionFlow<S>) => void = () => undefined,
  ) {}

  get size(): number {
    return this.flows.size;
  }

  observe(key: string, pkt: FlowPacketView): FlowObservation<S> {
    this.expire(pkt.tsUs);
    const endpoint = `${pkt.src}/${pkt.srcPort}`;
    const tcp = pkt.ipProto === TCP;
    const syn = tcp && (pkt.tcpFlags & TCP_FLAGS.SYN) !== 0;
    const ack = tcp && (pkt.tcpFlags & TCP_FLAGS.ACK) !== 0;
    let flow = this.flows.get(key);
    let started = false;
    if (flow !== undefined && flow.closed && syn && !ack) {
      // Port reuse: a new connection on the key of a finished one.
      this.flows.delete(key);
      this.onDrop(key, flow);
      this.counters.reused++;
      flow = undefined;
    }
    if (flow === undefined) {
      if (this.flows.size >= this.options.maxFlows) this.evictOldest();
      // A SYN-ACK seen first comes from the server: the client is its receiver, unknown here, so
      // the client is "not the sender" and resolved by comparison below.
      const synAckFirst = syn && ack;
      flow = {
        firstTsUs: pkt.tsUs, client: synAckFirst ? `!${endpoint}` : endpoint, lastSeenUs: pkt.tsUs,
        seenToServer: false, seenToClient: false, synSeen: false, synAckSeen: false, handshakeDone: false,
        finToServer: false, finToClient: false, closed: false, state: this.newState(),
      };
      this.counters.created++;
      started = true;
    } else {
      this.flows.delete(key);
    }
    this.flows.set(key, flow);
    flow.lastSeenUs = Math.max(flow.lastSeenUs, pkt.tsUs);
    const toServer = flow.client.startsWith('!') ? flow.client !== `!${endpoint}` : flow.client === endpoint;
    if (flow.client.startsWith('!') && toServer) flow.client = endpoint;

    if (toServer) flow.seenToServer = true;
    else flow.seenToClient = true;
    let established: boolean;
    if (tcp) {
      established = flow.handshakeDone && !flow.closed;
      this.advanceTcp(flow, pkt.tcpFlags, toServer);
    } else {
      established = flow.seenToServer && flow.seenToClient;
    }
    return { flow, toServer, established, started };
  }

  get(key: string): DetectionFlow<S> | undefined {
    return this.flows.get(key);
  }

  /** Drops flows idle for `idleTimeoutUs` at event time `nowUs`; returns how many. */
  expire(nowUs: number): number {
    let n = 0;
    for (const [key, flow] of this.flows) {
      if (nowUs - flow.lastSeenUs < this.options.idleTimeoutUs) break;
      this.flows.delete(key);
      this.onDrop(key, flow);
      n++;
    }
    this.counters.expired += n;
    return n;
  }

  private advanceTcp(flow: DetectionFlow<S>, flags: number, toServer: boolean): void {
    const syn = (flags & TCP_FLAGS.SYN) !== 0;
    const ack = (flags & TCP_FLAGS.ACK) !== 0;
    if ((flags & TCP_FLAGS.RST) !== 0) {
      flow.closed = true;
      return;
    }
    if (syn && !ack && toServer) flow.synSeen = true;
    else if (syn && ack && !toServer) flow.synAckSeen = true;
    else if (!syn && ack && toServer && flow.synSeen && flow.synAckSeen) flow.handshakeDone = true;
    if ((flags & TCP_FLAGS.FIN) !== 0) {
      if (toServer) flow.finToServer = true;
      else flow.finToClient = true;
      if (flow.finToServer && flow.finToClient) flow.closed = true;
    }
  }

  private evictOldest(): void {
    const first = this.flows.entries().next();
    if (first.done === true) return;
    this.flows.delete(first.value[0]);
    this.onDrop(first.value[0], first.value[1]);
    this.counters.evicted++;
  }
}
