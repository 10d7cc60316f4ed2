import type { FlowRecord } from '@ids/contracts';
import { flowKey } from './flow-key';
import { resolveFlowOptions, type FlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { FlowExpiryQueue, QueuedFlow } from './flow-expiry.queue';
import { expiry, isFromInitiator, type FlowPacket, type FlowState } from './flow-state';
import { applyPacketTo } from './flow-step';

export interface FlowTableOptions extends Partial<FlowOptions> {
  /**
   * `add` looks for timed-out flows at most once per this much event time. Default 1 s. A flow's
   * own timeout is also checked whenever a packet of it arrives, so the interval only delays
   * emission of flows that went quiet.
   */
  expiryCheckIntervalUs?: number;
}

const NONE: readonly FlowRecord[] = Object.freeze([]);

/**
 * A store the table writes its open flows through to: the flows stage passes its state store,
 * which logs every change to a compacted changelog topic. `FlowState` survives a JSON round trip.
 */
export interface FlowStateStore {
  get(key: string): FlowState | undefined;
  put(key: string, state: FlowState): void;
  delete(key: string): void;
  entries(): IterableIterator<[string, FlowState]>;
  readonly size: number;
}

/**
 * The flow functions over a table of open flows, driven by packet time alone (no clock). Records
 * come out in a deterministic order: expired flows in table order (order of opening; a flow
 * replaced by a new one goes to the end), then the flow closed by the packet.
 *
 * The table indexes its flows itself (`FlowExpiryQueue`: expiry costs O(flows due), not a scan).
 * A store given to the constructor is written through (every change, for its changelog) and read
 * when it holds flows the table did not put (restored from a changelog before the first packet).
 */
export class FlowTable {
  private readonly options: FlowOptions;
  private readonly checkIntervalUs: number;
  private watermarkUs = -Infinity;
  private nextCheckUs = -Infinity;
  private readonly index = new Map<string, QueuedFlow>();
  private readonly queue: FlowExpiryQueue;
  private nextSeq = 0;
  /** Reused for the records of one packet. */
  private readonly emitted: FlowRecord[] = [];
  private readonly store: FlowStateStore | null;
  /** IPv4 flows by the hash of their canonical 5-tuple + VLAN, chained on collisions. */
  private readonly byTuple = new Map<number, QueuedFlow>();
  /** Scratch: the tuple of the packet being added. */
  private readonly tuple = new QueuedFlow(-1, '', null as unknown as FlowState);

  constructor(options: FlowTableOptions = {}, store?: FlowStateStore) {
    const { expiryCheckIntervalUs = 1_000_000, ...flowOptions } = options;
    this.options = resolveFlowOptions(flowOptions);
    this.checkIntervalUs = expiryCheckIntervalUs;
    this.queue = new FlowExpiryQueue(this.options);
    this.store = store ?? null;
  }

  /** Open flows. */
  get size(): number {
    return this.store === null ? this.index.size : this.store.size;
  }

  /** Highest packet time seen. */
  get watermark(): number {
    return this.watermarkUs;
  }

  /** The open flow of `key`, if any (read-only use). */
  get(key: string): Readonly<FlowState> | undefined {
    this.sync();
    return this.index.get(key)?.state;
  }

  /** Accounts one decoded IP packet; returns the flows it closed or that timed out by its time. */
  add(pkt: FlowPacket): readonly FlowRecord[] {
    let out: FlowRecord[] | null = null;
    const tsUs = pkt.tsUs;
    if (tsUs > this.watermarkUs) {
      this.watermarkUs = tsUs;
      if (tsUs >= this.nextCheckUs) out = this.expire(tsUs, out);
    } else if (this.watermarkUs - tsUs > this.queue.maxLagUs) {
      this.queue.maxLagUs = this.watermarkUs - tsUs;
    }
    const frame = pkt.frame;
    const byBytes = frame !== undefined && pkt.ipVersion === 4 && pkt.ipOffset !== undefined;
    let flow: QueuedFlow | undefined;
    let fromOrig: boolean | undefined;
    let srcFirst = false;
    if (byBytes) {
      // IPv4 from a frame: find the flow by the numbers of its canonical 5-tuple, no key string.
      const at = pkt.ipOffset! + 12;
      const src = (frame[at] << 24) | (frame[at + 1] << 16) | (frame[at + 2] << 8) | frame[at + 3];
      const dst = (frame[at + 4] << 24) | (frame[at + 5] << 16) | (frame[at + 6] << 8) | frame[at + 7];
      srcFirst = pkt.addressOrder < 0 || (pkt.addressOrder === 0 && pkt.srcPort <= pkt.dstPort);
      const t = this.tuple;
      t.addrA = srcFirst ? src : dst;
      t.addrB = srcFirst ? dst : src;
      t.portA = srcFirst ? pkt.srcPort : pkt.dstPort;
      t.portB = srcFirst ? pkt.dstPort : pkt.srcPort;
      t.proto = pkt.ipProto;
      t.vlanId = pkt.vlan ?? 0;
      t.tupleHash = tupleHash(t);
      flow = this.findTuple(t);
      if (flow !== undefined) fromOrig = pkt.addressOrder === 0 && pkt.srcPort === pkt.dstPort ? true : srcFirst === flow.origIsA;
    }
    let key: string | null = null;
    if (flow === undefined) flow = this.findKey((key = flowKey(pkt)));
    const emitted = this.emitted;
    const state = applyPacketTo(flow?.state, pkt, flow?.key ?? key, this.options, emitted, fromOrig);
    // A replaced flow goes to the end: the table stays in order of opening. A state updated in
    // place is put again all the same, so a changelogged store records the change.
    if (flow !== undefined && state !== flow.state) {
      this.drop(flow);
      flow = undefined;
    }
    if (state !== null) {
      if (flow === undefined) {
        flow = new QueuedFlow(this.nextSeq++, state.key, state);
        this.index.set(state.key, flow);
        this.queue.open(flow, this.watermarkUs);
      }
      if (byBytes && flow.tupleHash < 0) this.addTuple(flow, srcFirst === isFromInitiator(state, pkt));
      this.queue.touch(flow, this.watermarkUs);
      this.store?.put(flow.key, state);
    }
    if (emitted.length > 0) {
      (out ??= []).push(...emitted);
      emitted.length = 0;
    }
    return out ?? NONE;
  }

  /** Event time reached `tsUs` (a watermark): returns the flows that timed out by then. */
  advanceTo(tsUs: number): readonly FlowRecord[] {
    if (tsUs > this.watermarkUs) this.watermarkUs = tsUs;
    return this.expire(this.watermarkUs, null) ?? NONE;
  }

  /**
   * End of input: every open flow whose last packet is at or before `untilUs` (by default every
   * one), with reason END. Later flows are another input's, on a table several inputs share.
   */
  flush(untilUs = Number.POSITIVE_INFINITY): readonly FlowRecord[] {
    this.sync();
    const out: FlowRecord[] = [];
    for (const flow of this.queue.inOpeningOrder()) {
      if (flow.state.lastTsUs > untilUs) continue;
      out.push(toFlowRecord(flow.state, 'END'));
      this.drop(flow);
    }
    return out;
  }

  private expire(nowUs: number, out: FlowRecord[] | null): FlowRecord[] | null {
    this.nextCheckUs = nowUs + this.checkIntervalUs;
    this.sync();
    for (const flow of this.queue.due(nowUs)) {
      (out ??= []).push(toFlowRecord(flow.state, expiry(flow.state, nowUs, this.options)!));
      this.drop(flow);
    }
    return out;
  }

  /** The flow of `key`, reading the store first if it holds flows the table did not put. */
  private findKey(key: string): QueuedFlow | undefined {
    const flow = this.index.get(key);
    if (flow !== undefined || this.store === null || this.store.size === this.index.size) return flow;
    this.resync();
    return this.index.get(key);
  }

  private findTuple(t: QueuedFlow): QueuedFlow | undefined {
    for (let f: QueuedFlow | null = this.byTuple.get(t.tupleHash) ?? null; f !== null; f = f.tupleNext) {
      if (f.addrA === t.addrA && f.addrB === t.addrB && f.portA === t.portA && f.portB === t.portB && f.proto === t.proto && f.vlanId === t.vlanId) return f;
    }
    return undefined;
  }

  /** Puts `flow` in the numeric index under the tuple last hashed (`this.tuple`). */
  private addTuple(flow: QueuedFlow, origIsA: boolean): void {
    const t = this.tuple;
    flow.addrA = t.addrA;
    flow.addrB = t.addrB;
    flow.portA = t.portA;
    flow.portB = t.portB;
    flow.proto = t.proto;
    flow.vlanId = t.vlanId;
    flow.origIsA = origIsA;
    flow.tupleHash = t.tupleHash;
    flow.tupleNext = this.byTuple.get(t.tupleHash) ?? null;
    this.byTuple.set(t.tupleHash, flow);
  }

  private removeTuple(flow: QueuedFlow): void {
    const head = this.byTuple.get(flow.tupleHash);
    if (head === flow) {
      if (flow.tupleNext === null) this.byTuple.delete(flow.tupleHash);
      else this.byTuple.set(flow.tupleHash, flow.tupleNext);
    } else {
      for (let f = head ?? null; f !== null; f = f.tupleNext) {
        if (f.tupleNext === flow) {
          f.tupleNext = flow.tupleNext;
          break;
        }
      }
    }
    flow.tupleNext = null;
    flow.tupleHash = -1;
  }

  private drop(flow: QueuedFlow): void {
    if (flow.tupleHash >= 0) this.removeTuple(flow);
    this.queue.remove(flow);
    this.index.delete(flow.key);
    this.store?.delete(flow.key);
  }

  /** Indexes the store again when it holds flows the table did not put. */
  private sync(): void {
    if (this.store !== null && this.store.size !== this.index.size) this.resync();
  }

  /**
   * Rebuilds the index from the store, in its order. Nothing is known of when these flows were
   * last touched, so the expiry lists check them on every pass until their next packet.
   */
  private resync(): void {
    this.index.clear();
    this.byTuple.clear();
    this.queue.clear();
    for (const [key, state] of this.store!.entries()) {
      const flow = new QueuedFlow(this.nextSeq++, key, state);
      this.index.set(key, flow);
      this.queue.open(flow, -Infinity);
      this.queue.touch(flow, -Infinity);
    }
  }
}

/** A 30-bit hash of a canonical IPv4 tuple (a small integer: V8 keeps it unboxed). */
function tupleHash(t: QueuedFlow): number {
  let h = Math.imul(t.addrA ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ t.addrB, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ ((t.portA << 16) | t.portB), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ (t.proto << 24) ^ t.vlanId, 0x27d4eb2d);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}
