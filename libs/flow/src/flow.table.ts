import type { FlowRecord } from '@ids/contracts';
import { FlowEntry } from './flow-entry';
import { FLOW_ENTRY_NUMBERS } from './flow-entry.layout';
import { FlowExpiryQueue } from './flow-expiry.queue';
import { flowKey, parseFlowKey } from './flow-key';
import { FlowTupleIndex } from './flow-tuple.index';
import { resolveFlowOptions, type FlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { expiry, finishedReason, isPortReuse, openEntry, updateEntry, upgradeFlowState, type FlowPacket, type FlowState, type FlowStateV1 } from './flow-state';

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
  /** The table puts its FlowEntry objects, whose JSON is the FlowState (`toJSON`). */
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
 * Each open flow is one FlowEntry (flow-entry.ts), reused once the flow is gone. IPv4 flows are
 * found by a numeric hash of their canonical 5-tuple + VLAN (from the frame bytes when the packet
 * carries them, else from its address text), others by the key string. The table indexes its
 * flows itself (`FlowExpiryQueue`: expiry costs O(flows due), not a scan). A store given to the
 * constructor is written through (every change, for its changelog) and read when it holds flows
 * the table did not put (restored from a changelog before the first packet).
 */
export class FlowTable {
  private readonly options: FlowOptions;
  private readonly checkIntervalUs: number;
  /** The shortest quiet time after which `expiry` can say anything but null (closing or idle timeout). */
  private readonly shortestQuietUs: number;
  private watermarkUs = -Infinity;
  private nextCheckUs = -Infinity;
  /** Flows that are not IPv4, by key. */
  private readonly byKey = new Map<string, FlowEntry>();
  /** IPv4 flows, and IPv6 flows once a packet with its frame was seen, by their numeric tuple. */
  private readonly byTuple = new FlowTupleIndex();
  /** Open flows. */
  private count = 0;
  private readonly queue: FlowExpiryQueue;
  private nextSeq = 0;
  /** Entries of flows that are gone, for the next flows to open (at most MAX_SPARE). */
  private readonly spare: FlowEntry[] = [];
  /** The numbers of the entries the table makes, SLAB_ENTRIES to a buffer; `slabUsed` slots taken. */
  private slab = new Float64Array(0);
  private slabUsed = SLAB_ENTRIES;
  /** Reused for the records of one packet. */
  private readonly emitted: FlowRecord[] = [];
  private readonly store: FlowStateStore | null;

  constructor(options: FlowTableOptions = {}, store?: FlowStateStore) {
    const { expiryCheckIntervalUs = 1_000_000, ...flowOptions } = options;
    this.options = resolveFlowOptions(flowOptions);
    this.checkIntervalUs = expiryCheckIntervalUs;
    const o = this.options;
    this.shortestQuietUs = Math.min(o.tcpClosingTimeoutUs, o.tcpIdleTimeoutUs, o.udpIdleTimeoutUs, o.icmpIdleTimeoutUs, o.otherIdleTimeoutUs);
    this.queue = new FlowExpiryQueue(this.options);
    this.store = store ?? null;
  }

  /** Open flows. */
  get size(): number {
    return this.store === null ? this.count : this.store.size;
  }

  /** Highest packet time seen. */
  get watermark(): number {
    return this.watermarkUs;
  }

  /**
   * The open flow of `key`, if any: read-only, and only until the next call that changes the
   * table (its entry is reused once the flow is gone).
   */
  get(key: string): Readonly<FlowState> | undefined {
    this.sync();
    const parts = parseFlowKey(key);
    if (parts !== null && this.byTuple.fromKey(parts)) return this.byTuple.find() ?? undefined;
    return this.byKey.get(key);
  }

  /** Accounts one decoded IP packet; returns the flows it closed or that timed out by its time. */
  add(pkt: FlowPacket): readonly FlowRecord[] {
    let out: FlowRecord[] | null = null;
    const tsUs = pkt.tsUs;
    if (tsUs > this.watermarkUs) {
      this.watermarkUs = tsUs;
      this.queue.watermarkUs = tsUs;
      if (tsUs >= this.nextCheckUs) out = this.expire(tsUs, out);
    } else if (this.watermarkUs - tsUs > this.queue.maxLagUs) {
      this.queue.maxLagUs = this.watermarkUs - tsUs;
    }
    this.sync();
    // The sender is endpoint A of the canonical tuple (or the two endpoints are the same).
    const srcFirst = pkt.addressOrder < 0 || (pkt.addressOrder === 0 && pkt.srcPort <= pkt.dstPort);
    const sameEnds = pkt.addressOrder === 0 && pkt.srcPort === pkt.dstPort;
    const byTuple = this.byTuple.fromPacket(pkt, srcFirst);
    const ipv4 = byTuple && !this.byTuple.v6;
    let key: string | null = null;
    let flow = byTuple ? this.byTuple.find() : null;
    if (flow === null && !ipv4) {
      flow = this.byKey.get((key = flowKey(pkt))) ?? null;
      // An IPv6 flow opened by a packet without its frame: known by its numbers from now on.
      if (flow !== null && byTuple) this.byTuple.add(flow);
    }
    const emitted = this.emitted;
    let fromOrig = false;
    if (flow !== null) {
      fromOrig = sameEnds || srcFirst === flow.origIsA;
      // Most packets find their flow live: skip `expiry` when no timeout can have passed (the same answer, null).
      const due = tsUs - flow.lastTsUs >= this.shortestQuietUs || tsUs - flow.firstTsUs >= this.options.activeTimeoutUs;
      const reason = (due ? expiry(flow, tsUs, this.options) : null) ?? (isPortReuse(flow, pkt) ? finishedReason(flow) : null);
      if (reason !== null) {
        emitted.push(toFlowRecord(flow, reason));
        this.drop(flow);
        flow = null;
      }
    }
    let opened = false;
    if (flow === null) {
      flow = this.spare.pop() ?? this.newEntry();
      // Only an IPv4 flow makes its key from its tuple (an IPv6 flow found by its tuple and replaced here has no key yet).
      if (!ipv4) key ??= flowKey(pkt);
      const flipped = openEntry(flow, pkt, key);
      // An IPv4 flow's key and addresses are made from its tuple when read: set it even if the flow is never indexed.
      if (ipv4) this.byTuple.assign(flow);
      flow.origIsA = srcFirst !== flipped;
      fromOrig = sameEnds || !flipped;
      opened = true;
    }
    const closed = updateEntry(flow, pkt, this.options, fromOrig);
    if (closed !== null) {
      emitted.push(toFlowRecord(flow, closed));
      if (opened) this.release(flow);
      else this.drop(flow);
    } else {
      // A new flow goes to the end: the table stays in order of opening.
      if (opened) this.insert(flow, byTuple, ipv4);
      this.queue.touch(flow);
      // Put again even when updated in place, so a changelogged store records the change.
      this.store?.put(flow.key, flow);
    }
    if (emitted.length > 0) {
      (out ??= []).push(...emitted);
      emitted.length = 0;
    }
    return out ?? NONE;
  }

  /** Event time reached `tsUs` (a watermark): returns the flows that timed out by then. */
  advanceTo(tsUs: number): readonly FlowRecord[] {
    if (tsUs > this.watermarkUs) this.watermarkUs = this.queue.watermarkUs = tsUs;
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
      if (flow.lastTsUs > untilUs) continue;
      out.push(toFlowRecord(flow, 'END'));
      this.drop(flow);
    }
    return out;
  }

  private expire(nowUs: number, out: FlowRecord[] | null): FlowRecord[] | null {
    this.nextCheckUs = nowUs + this.checkIntervalUs;
    this.sync();
    for (const flow of this.queue.due(nowUs)) {
      (out ??= []).push(toFlowRecord(flow, expiry(flow, nowUs, this.options)!));
      this.drop(flow);
    }
    return out;
  }

  /** Indexes a flow that just opened (by the scratch tuple when it has one; by key unless IPv4) and queues it. */
  private insert(flow: FlowEntry, byTuple: boolean, ipv4: boolean): void {
    if (byTuple) this.byTuple.add(flow);
    if (!ipv4) {
      this.byKey.set(flow.key, flow);
      flow.keyed = true;
    }
    flow.seq = this.nextSeq++;
    this.count++;
    this.queue.open(flow);
  }

  /** Takes a flow out of the table (after its record was made) and keeps its entry for reuse. */
  private drop(flow: FlowEntry): void {
    if (flow.tupleHash >= 0) this.byTuple.remove(flow);
    if (flow.keyed) this.byKey.delete(flow.key);
    this.queue.remove(flow);
    this.count--;
    this.store?.delete(flow.key);
    this.release(flow);
  }

  /** A new entry, its numbers in a slot of the current slab (a buffer per flow would be an object, a malloc and a GC-tracked extension each). */
  private newEntry(): FlowEntry {
    if (this.slabUsed === SLAB_ENTRIES) {
      this.slab = new Float64Array(SLAB_ENTRIES * FLOW_ENTRY_NUMBERS);
      this.slabUsed = 0;
    }
    return new FlowEntry(this.slab, this.slabUsed++ * FLOW_ENTRY_NUMBERS);
  }

  private release(flow: FlowEntry): void {
    flow.clearTexts();
    flow.keyed = false;
    flow.history = '';
    if (this.spare.length < MAX_SPARE) this.spare.push(flow);
  }

  /** Indexes the store again when it holds flows the table did not put. */
  private sync(): void {
    if (this.store !== null && this.store.size !== this.count) this.resync();
  }

  /**
   * Rebuilds the index from the store, in its order: its own entries as they are, a FlowState
   * restored from a changelog (any version) into a new entry. Nothing is known of when these
   * flows were last touched, so the expiry lists check them on every pass until their next packet.
   */
  private resync(): void {
    this.byKey.clear();
    this.byTuple.clear();
    this.queue.clear();
    this.count = 0;
    // Put at -Infinity: when these flows were last touched is not known.
    this.queue.watermarkUs = -Infinity;
    for (const [key, value] of this.store!.entries()) {
      const own = value instanceof FlowEntry;
      const flow = own ? value : new FlowEntry().load(upgradeFlowState(value as FlowState | FlowStateV1));
      flow.tupleHash = -1;
      flow.tupleNext = null;
      flow.quietList = null;
      const parts = parseFlowKey(key);
      // An entry of this table knows its initiator; a restored state names it by address.
      if (!own) flow.origIsA = parts !== null && flow.origH === parts.addressA && flow.origP === parts.portA;
      flow.keyed = !(parts !== null && this.byTuple.fromKey(parts));
      if (flow.keyed) this.byKey.set(key, flow);
      else this.byTuple.add(flow);
      flow.seq = this.nextSeq++;
      this.count++;
      this.queue.open(flow);
      this.queue.touch(flow);
    }
    this.queue.watermarkUs = this.watermarkUs;
  }
}

/** Entries kept for reuse at most: beyond, a gone flow's entry is left to the garbage collector (its slab when all its entries are). */
const MAX_SPARE = 1 << 16;
/** Entries per slab: 256 x 114 numbers, 228 KiB. */
const SLAB_ENTRIES = 256;
