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
 * TcpConnectionTable; the recency order is a doubly linked list through the flows (one Map.get per
 * packet, no re-insertion), so both cost O(removed).
 */

import { TCP_FLAGS } from '@ids/packet';

// Read once: a re-exported binding is a getter call on every use in the compiled CommonJS.
const { SYN, ACK, FIN, RST } = TCP_FLAGS;

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
  /** `addr/port` of the client (SYN sender, SYN-ACK receiver, else first sender); `!addr/port`: not that endpoint, the other one not seen yet. */
  readonly client: string;
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

/**
 * A tracked flow. The client endpoint is kept as address and port (compared per packet without
 * building an `addr/port` string), and the flow is a node of the tracker's recency list.
 */
class TrackedFlow<S> implements DetectionFlow<S> {
  lastSeenUs: number;
  seenToServer = false;
  seenToClient = false;
  synSeen = false;
  synAckSeen = false;
  handshakeDone = false;
  finToServer = false;
  finToClient = false;
  closed = false;
  /** Recency list, least recently active first. */
  prev: TrackedFlow<S> | null = null;
  next: TrackedFlow<S> | null = null;

  constructor(
    readonly key: string,
    readonly firstTsUs: number,
    public clientAddr: string,
    public clientPort: number,
    /** True while the client is only known as "not clientAddr/clientPort" (a SYN-ACK came first). */
    public clientIsOther: boolean,
    readonly state: S,
  ) {
    this.lastSeenUs = firstTsUs;
  }

  get client(): string {
    return `${this.clientIsOther ? '!' : ''}${this.clientAddr}/${this.clientPort}`;
  }
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
  private readonly flows = new Map<string, TrackedFlow<S>>();
  /** Least and most recently active flows: expiry and eviction take from the head. */
  private head: TrackedFlow<S> | null = null;
  private tail: TrackedFlow<S> | null = null;

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
    if (this.head !== null && pkt.tsUs - this.head.lastSeenUs >= this.options.idleTimeoutUs) this.expire(pkt.tsUs);
    const tcp = pkt.ipProto === TCP;
    const syn = tcp && (pkt.tcpFlags & SYN) !== 0;
    const ack = tcp && (pkt.tcpFlags & ACK) !== 0;
    let flow = this.flows.get(key);
    let started = false;
    if (flow !== undefined && flow.closed && syn && !ack) {
      // Port reuse: a new connection on the key of a finished one.
      this.drop(flow);
      this.counters.reused++;
      flow = undefined;
    }
    if (flow === undefined) {
      if (this.flows.size >= this.options.maxFlows && this.head !== null) {
        this.drop(this.head);
        this.counters.evicted++;
      }
      // A SYN-ACK seen first comes from the server: the client is its receiver, unknown here, so
      // the client is "not the sender" and resolved by comparison below.
      flow = new TrackedFlow<S>(key, pkt.tsUs, pkt.src, pkt.srcPort, syn && ack, this.newState());
      this.flows.set(key, flow);
      this.counters.created++;
      started = true;
    } else if (flow !== this.tail) {
      this.unlink(flow);
    }
    if (flow !== this.tail) this.append(flow);
    if (pkt.tsUs > flow.lastSeenUs) flow.lastSeenUs = pkt.tsUs;
    const sender = flow.clientPort === pkt.srcPort && flow.clientAddr === pkt.src;
    const toServer = flow.clientIsOther ? !sender : sender;
    if (flow.clientIsOther && toServer) {
      flow.clientAddr = pkt.src;
      flow.clientPort = pkt.srcPort;
      flow.clientIsOther = false;
    }

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
    while (this.head !== null && nowUs - this.head.lastSeenUs >= this.options.idleTimeoutUs) {
      this.drop(this.head);
      n++;
    }
    this.counters.expired += n;
    return n;
  }

  private advanceTcp(flow: DetectionFlow<S>, flags: number, toServer: boolean): void {
    const syn = (flags & SYN) !== 0;
    const ack = (flags & ACK) !== 0;
    if ((flags & RST) !== 0) {
      flow.closed = true;
      return;
    }
    if (syn && !ack && toServer) flow.synSeen = true;
    else if (syn && ack && !toServer) flow.synAckSeen = true;
    else if (!syn && ack && toServer && flow.synSeen && flow.synAckSeen) flow.handshakeDone = true;
    if ((flags & FIN) !== 0) {
      if (toServer) flow.finToServer = true;
      else flow.finToClient = true;
      if (flow.finToServer && flow.finToClient) flow.closed = true;
    }
  }

  private drop(flow: TrackedFlow<S>): void {
    this.flows.delete(flow.key);
    this.unlink(flow);
    this.onDrop(flow.key, flow);
  }

  private unlink(flow: TrackedFlow<S>): void {
    if (flow.prev !== null) flow.prev.next = flow.next;
    else this.head = flow.next;
    if (flow.next !== null) flow.next.prev = flow.prev;
    else this.tail = flow.prev;
    flow.prev = null;
    flow.next = null;
  }

  private append(flow: TrackedFlow<S>): void {
    flow.prev = this.tail;
    flow.next = null;
    if (this.tail !== null) this.tail.next = flow;
    else this.head = flow;
    this.tail = flow;
  }
}
