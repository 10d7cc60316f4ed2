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

/**
 * A flow's identity as numbers, so the per-packet lookup needs no key string (building, hashing
 * or comparing one is most of a lookup's cost): `hash` picks the table slot; when `exact`, the
 * four words are the whole identity (IPv4: both addresses, both ports, protocol and VLAN, in the
 * key's endpoint order) and the key string is never read; otherwise flows on one hash are told
 * apart by the key string. Without one, observe() derives it from the key (hash of the string).
 */
export interface FlowTuple {
  hash: number;
  exact: boolean;
  a: number;
  b: number;
  ports: number;
  protoVlan: number;
}

/** Fills `out` with the tuple of a decoded packet whose frame is `frame` (see FlowTuple); no allocation. */
export function flowTupleOf(frame: Uint8Array, pkt: FlowTuplePacketView, out: FlowTuple): FlowTuple {
  // The key's endpoint order (@ids/flow flowKey): the lower address first, on a tie the lower port.
  const srcFirst = pkt.addressOrder < 0 || (pkt.addressOrder === 0 && pkt.srcPort <= pkt.dstPort);
  const o = pkt.ipOffset;
  let a = 0;
  let b = 0;
  const v4 = pkt.ipVersion === 4 && o + 20 <= frame.length;
  if (v4) {
    const src = (frame[o + 12] << 24) | (frame[o + 13] << 16) | (frame[o + 14] << 8) | frame[o + 15];
    const dst = (frame[o + 16] << 24) | (frame[o + 17] << 16) | (frame[o + 18] << 8) | frame[o + 19];
    a = srcFirst ? src : dst;
    b = srcFirst ? dst : src;
  } else {
    // IPv6: fold the 16-byte addresses into the hash only; identity is checked on the key string.
    const n = Math.min(frame.length, o + 40);
    for (let i = o + 8; i + 3 < n && i < o + 24; i += 4) {
      const w = (frame[i] << 24) | (frame[i + 1] << 16) | (frame[i + 2] << 8) | frame[i + 3];
      const w2 = i + 19 < n ? (frame[i + 16] << 24) | (frame[i + 17] << 16) | (frame[i + 18] << 8) | frame[i + 19] : 0;
      a = mix(a, srcFirst ? w : w2);
      b = mix(b, srcFirst ? w2 : w);
    }
  }
  out.exact = v4;
  out.a = a;
  out.b = b;
  out.ports = srcFirst ? ((pkt.srcPort << 16) | pkt.dstPort) : ((pkt.dstPort << 16) | pkt.srcPort);
  out.protoVlan = (pkt.ipProto << 16) | ((pkt.vlan ?? 0) & 0xffff);
  out.hash = mix(mix(mix(mix(0x9e3779b9, a), b), out.ports), out.protoVlan) & SMI_HASH;
  return out;
}

/** The packet fields flowTupleOf reads (a DecodedPacket fits). */
export interface FlowTuplePacketView {
  readonly ipVersion: number;
  readonly ipOffset: number;
  readonly addressOrder: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly ipProto: number;
  readonly vlan: number | null;
}

/**
 * Tuple hashes are kept to 30 bits: a small integer in V8, so the flow Map's key is not boxed
 * into a heap number (an allocation) and hashed as a double on every packet.
 */
const SMI_HASH = 0x3fffffff;

function mix(h: number, w: number): number {
  let x = Math.imul(h ^ w, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** The tuple of a key alone (callers without the frame): the key string's hash, not exact. */
function keyTuple(key: string, out: FlowTuple): FlowTuple {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  out.hash = h & SMI_HASH;
  out.exact = false;
  out.a = 0;
  out.b = 0;
  out.ports = 0;
  out.protoVlan = 0;
  return out;
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
  /** The next flow in the same hash slot. */
  sameHash: TrackedFlow<S> | null = null;
  readonly hash: number;
  readonly exact: boolean;
  readonly a: number;
  readonly b: number;
  readonly ports: number;
  readonly protoVlan: number;

  constructor(
    readonly key: string,
    tuple: FlowTuple,
    readonly firstTsUs: number,
    public clientAddr: string,
    public clientPort: number,
    /** True while the client is only known as "not clientAddr/clientPort" (a SYN-ACK came first). */
    public clientIsOther: boolean,
    readonly state: S,
  ) {
    this.lastSeenUs = firstTsUs;
    this.hash = tuple.hash;
    this.exact = tuple.exact;
    this.a = tuple.a;
    this.b = tuple.b;
    this.ports = tuple.ports;
    this.protoVlan = tuple.protoVlan;
  }

  is(key: string, t: FlowTuple): boolean {
    return t.exact && this.exact
      ? this.a === t.a && this.b === t.b && this.ports === t.ports && this.protoVlan === t.protoVlan
      : this.key === key;
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
  /** Flows by tuple hash; flows sharing a hash are chained through `sameHash`. */
  private readonly flows = new Map<number, TrackedFlow<S>>();
  private count = 0;
  private readonly scratch: FlowTuple = { hash: 0, exact: false, a: 0, b: 0, ports: 0, protoVlan: 0 };
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
    return this.count;
  }

  /**
   * The flow of this packet, created when new. `tuple` (flowTupleOf) spares hashing the key;
   * a given key must always come with the same kind of tuple (with or without one). With `out`,
   * the observation is written there and `out` returned (no object per packet; read it before the
   * next call).
   */
  observe(key: string, pkt: FlowPacketView, tuple: FlowTuple = keyTuple(key, this.scratch), out?: FlowObservation<S>): FlowObservation<S> {
    if (this.head !== null && pkt.tsUs - this.head.lastSeenUs >= this.options.idleTimeoutUs) this.expire(pkt.tsUs);
    const tcp = pkt.ipProto === TCP;
    const syn = tcp && (pkt.tcpFlags & SYN) !== 0;
    const ack = tcp && (pkt.tcpFlags & ACK) !== 0;
    let flow = this.find(key, tuple);
    let started = false;
    if (flow !== undefined && flow.closed && syn && !ack) {
      // Port reuse: a new connection on the key of a finished one.
      this.drop(flow);
      this.counters.reused++;
      flow = undefined;
    }
    if (flow === undefined) {
      if (this.count >= this.options.maxFlows && this.head !== null) {
        this.drop(this.head);
        this.counters.evicted++;
      }
      // A SYN-ACK seen first comes from the server: the client is its receiver, unknown here, so
      // the client is "not the sender" and resolved by comparison below.
      flow = new TrackedFlow<S>(key, tuple, pkt.tsUs, pkt.src, pkt.srcPort, syn && ack, this.newState());
      flow.sameHash = this.flows.get(tuple.hash) ?? null;
      this.flows.set(tuple.hash, flow);
      this.count++;
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
    if (out === undefined) return { flow, toServer, established, started };
    out.flow = flow;
    out.toServer = toServer;
    out.established = established;
    out.started = started;
    return out;
  }

  /** The flow of `key`; pass the tuple its packets were observed with, if they were. */
  get(key: string, tuple: FlowTuple = keyTuple(key, this.scratch)): DetectionFlow<S> | undefined {
    return this.find(key, tuple) ?? undefined;
  }

  private find(key: string, tuple: FlowTuple): TrackedFlow<S> | undefined {
    let f: TrackedFlow<S> | null = this.flows.get(tuple.hash) ?? null;
    while (f !== null) {
      if (f.is(key, tuple)) return f;
      f = f.sameHash;
    }
    return undefined;
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
    const first = this.flows.get(flow.hash);
    if (first === flow) {
      if (flow.sameHash === null) this.flows.delete(flow.hash);
      else this.flows.set(flow.hash, flow.sameHash);
    } else {
      let f = first ?? null;
      while (f !== null && f.sameHash !== flow) f = f.sameHash;
      if (f !== null) f.sameHash = flow.sameHash;
    }
    flow.sameHash = null;
    this.count--;
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
