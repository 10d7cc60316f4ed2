/**
 * The TCP connections being reassembled, keyed by the caller's flow key (the canonical key of
 * @ids/flow in the engine), bounded in count and expired on idleness, in event time only.
 *
 * A Map keeps insertion order; re-inserting a connection on every packet keeps it ordered by last
 * activity, so both idle expiry and eviction of the least recently active take from the front.
 */

import { TCP_FLAGS } from '@ids/packet';
import {
  DEFAULT_TCP_REASSEMBLY_OPTIONS, TcpReassemblyOptions, TcpSegment, TcpStreamDelivery, TcpStreamReassembler,
} from './tcp-stream.reassembler';

export interface TcpConnectionTableOptions extends TcpReassemblyOptions {
  readonly maxConnections: number;
  /** A connection with no packet for this long (event time) is dropped. */
  readonly idleTimeoutUs: number;
}

export const DEFAULT_TCP_CONNECTION_TABLE_OPTIONS: TcpConnectionTableOptions = {
  ...DEFAULT_TCP_REASSEMBLY_OPTIONS,
  maxConnections: 65_536,
  idleTimeoutUs: 120_000_000,
};

/** A TCP packet as the table needs it; a DecodedPacket plus its payload view fits. */
export interface TcpPacketView extends TcpSegment {
  readonly src: string;
  readonly srcPort: number;
}

export interface TcpConnectionCounters {
  created: number;
  expired: number;
  evicted: number;
}

interface Connection {
  /** Sender (`addr/port`) of the first packet seen. */
  first: string;
  /** The first sender is the client unless its packet was a SYN-ACK. */
  firstIsClient: boolean;
  lastSeenUs: number;
  stream: TcpStreamReassembler;
}

export class TcpConnectionTable {
  readonly counters: TcpConnectionCounters = { created: 0, expired: 0, evicted: 0 };
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly options: TcpConnectionTableOptions = DEFAULT_TCP_CONNECTION_TABLE_OPTIONS) {}

  get size(): number {
    return this.connections.size;
  }

  /** Reassembles one packet of connection `key`; expires idle connections first. */
  accept(key: string, pkt: TcpPacketView): TcpStreamDelivery | null {
    this.expire(pkt.tsUs);
    const endpoint = `${pkt.src}/${pkt.srcPort}`;
    let conn = this.connections.get(key);
    const synOnly = (pkt.flags & (TCP_FLAGS.SYN | TCP_FLAGS.ACK)) === TCP_FLAGS.SYN;
    if (conn !== undefined && conn.stream.closed && synOnly) {
      // Port reuse: a new connection on the key of a finished one.
      this.connections.delete(key);
      conn = undefined;
    }
    if (conn === undefined) {
      if (this.connections.size >= this.options.maxConnections) this.evictOldest();
      // A SYN-ACK seen first comes from the server.
      const synAck = (pkt.flags & (TCP_FLAGS.SYN | TCP_FLAGS.ACK)) === (TCP_FLAGS.SYN | TCP_FLAGS.ACK);
      conn = { first: endpoint, firstIsClient: !synAck, lastSeenUs: pkt.tsUs, stream: new TcpStreamReassembler(this.options) };
      this.counters.created++;
    } else {
      this.connections.delete(key);
    }
    conn.lastSeenUs = Math.max(conn.lastSeenUs, pkt.tsUs);
    this.connections.set(key, conn);
    const toServer = (conn.first === endpoint) === conn.firstIsClient;
    return conn.stream.accept(toServer, pkt);
  }

  /** The reassembler of a connection, for its counters. */
  get(key: string): TcpStreamReassembler | undefined {
    return this.connections.get(key)?.stream;
  }

  /** Forgets a connection (the flow ended). */
  remove(key: string): boolean {
    return this.connections.delete(key);
  }

  /** Drops connections idle for `idleTimeoutUs` at event time `nowUs`; returns how many. */
  expire(nowUs: number): number {
    let n = 0;
    for (const [key, conn] of this.connections) {
      if (nowUs - conn.lastSeenUs < this.options.idleTimeoutUs) break;
      this.connections.delete(key);
      n++;
    }
    this.counters.expired += n;
    return n;
  }

  private evictOldest(): void {
    const first = this.connections.keys().next();
    if (first.done === true) return;
    this.connections.delete(first.value);
    this.counters.evicted++;
  }
}
