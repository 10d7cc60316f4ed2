import type { FlowRecord } from '@ids/contracts';
import { flowKey } from './flow-key';
import { resolveFlowOptions, type FlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { expiry, type FlowPacket, type FlowState } from './flow-state';
import { applyPacket } from './flow-step';

export interface FlowTableOptions extends Partial<FlowOptions> {
  /**
   * `add` looks for timed-out flows at most once per this much event time: a scan of the whole
   * table, so it must stay rare. Default 1 s. A flow's own timeout is also checked whenever a
   * packet of it arrives, so the interval only delays emission of flows that went quiet.
   */
  expiryCheckIntervalUs?: number;
}

const NONE: readonly FlowRecord[] = Object.freeze([]);

/**
 * Where the table keeps open flows: a Map by default; the flows stage passes its state store,
 * which logs every change to a compacted changelog topic. `FlowState` survives a JSON round trip.
 */
export interface FlowStateStore {
  get(key: string): FlowState | undefined;
  put(key: string, state: FlowState): void;
  delete(key: string): void;
  entries(): IterableIterator<[string, FlowState]>;
  readonly size: number;
}

class MapFlowStateStore implements FlowStateStore {
  private readonly map = new Map<string, FlowState>();
  get(key: string) { return this.map.get(key); }
  put(key: string, state: FlowState) { this.map.set(key, state); }
  delete(key: string) { this.map.delete(key); }
  entries() { return this.map.entries(); }
  get size() { return this.map.size; }
}

/**
 * The flow functions over a store of open flows, driven by packet time alone (no clock). Records come out in a deterministic order: expired flows in table
 * order, then the flow closed by the packet.
 */
export class FlowTable {
  private readonly options: FlowOptions;
  private readonly checkIntervalUs: number;
  private watermarkUs = -Infinity;
  private nextCheckUs = -Infinity;

  constructor(options: FlowTableOptions = {}, private readonly flows: FlowStateStore = new MapFlowStateStore()) {
    const { expiryCheckIntervalUs = 1_000_000, ...flowOptions } = options;
    this.options = resolveFlowOptions(flowOptions);
    this.checkIntervalUs = expiryCheckIntervalUs;
  }

  /** Open flows. */
  get size(): number {
    return this.flows.size;
  }

  /** Highest packet time seen. */
  get watermark(): number {
    return this.watermarkUs;
  }

  /** The open flow of `key`, if any (read-only use). */
  get(key: string): Readonly<FlowState> | undefined {
    return this.flows.get(key);
  }

  /** Accounts one decoded IP packet; returns the flows it closed or that timed out by its time. */
  add(pkt: FlowPacket): readonly FlowRecord[] {
    let out: FlowRecord[] | null = null;
    if (pkt.tsUs > this.watermarkUs) {
      this.watermarkUs = pkt.tsUs;
      if (pkt.tsUs >= this.nextCheckUs) out = this.expire(pkt.tsUs, out);
    }
    const key = flowKey(pkt);
    const stored = this.flows.get(key);
    const step = applyPacket(stored, pkt, key, this.options);
    // A replaced flow goes to the end: the table stays in order of opening. A state updated in
    // place is put again all the same, so a changelogged store records the change.
    if (stored !== undefined && step.state !== stored) this.flows.delete(key);
    if (step.state !== null) this.flows.put(key, step.state);
    if (step.emitted.length > 0) (out ??= []).push(...step.emitted);
    return out ?? NONE;
  }

  /** Event time reached `tsUs` (a watermark): returns the flows that timed out by then. */
  advanceTo(tsUs: number): readonly FlowRecord[] {
    if (tsUs > this.watermarkUs) this.watermarkUs = tsUs;
    return this.expire(this.watermarkUs, null) ?? NONE;
  }

  /** End of input: every open flow, with reason END. */
  flush(): readonly FlowRecord[] {
    const out: FlowRecord[] = [];
    for (const [key, state] of [...this.flows.entries()]) {
      out.push(toFlowRecord(state, 'END'));
      this.flows.delete(key);
    }
    return out;
  }

  private expire(nowUs: number, out: FlowRecord[] | null): FlowRecord[] | null {
    this.nextCheckUs = nowUs + this.checkIntervalUs;
    for (const [key, state] of [...this.flows.entries()]) {
      const reason = expiry(state, nowUs, this.options);
      if (reason !== null) {
        (out ??= []).push(toFlowRecord(state, reason));
        this.flows.delete(key);
      }
    }
    return out;
  }
}
