import type { FlowRecord } from '@ids/contracts';
import { flowKey } from './flow-key';
import { resolveFlowOptions, type FlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { FlowExpiryQueue, QueuedFlow } from './flow-expiry.queue';
import { expiry, type FlowPacket, type FlowState } from './flow-state';
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
    const key = flowKey(pkt);
    let flow = this.index.get(key);
    if (flow === undefined && this.store !== null && this.store.size !== this.index.size) {
      this.resync();
      flow = this.index.get(key);
    }
    const emitted = this.emitted;
    const state = applyPacketTo(flow?.state, pkt, key, this.options, emitted);
    // A replaced flow goes to the end: the table stays in order of opening. A state updated in
    // place is put again all the same, so a changelogged store records the change.
    if (flow !== undefined && state !== flow.state) {
      this.drop(flow);
      flow = undefined;
    }
    if (state !== null) {
      if (flow === undefined) {
        flow = new QueuedFlow(this.nextSeq++, key, state);
        this.index.set(key, flow);
        this.queue.open(flow, this.watermarkUs);
      }
      this.queue.touch(flow, this.watermarkUs);
      this.store?.put(key, state);
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

  /** End of input: every open flow, with reason END. */
  flush(): readonly FlowRecord[] {
    this.sync();
    const out: FlowRecord[] = [];
    for (const flow of this.queue.inOpeningOrder()) {
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

  private drop(flow: QueuedFlow): void {
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
    this.queue.clear();
    for (const [key, state] of this.store!.entries()) {
      const flow = new QueuedFlow(this.nextSeq++, key, state);
      this.index.set(key, flow);
      this.queue.open(flow, -Infinity);
      this.queue.touch(flow, -Infinity);
    }
  }
}
