import { TOPICS, type FeatureVectorRecord, type FeatureWorkRecord, type FlowRecord } from '@ids/contracts';
import {
  ConnectionHeap, DEFAULT_WINDOW_OPTIONS, FEATURE_SCHEMA, FeatureMerger, flowFeatures, HostWindowTracker, ServiceWindowTracker, toFeatureVector,
  windowConnection, type FeatureValues, type WindowConnection, type WindowOptions, type WindowSnapshot, type WindowTracker,
} from '@ids/features';
import { TopologyBuilder, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord, type Topology } from '@ids/topology';
import { APP_IDS } from './stage-names';

/**
 * The features stage is three sub-topologies, as Kafka Streams would split it at its repartitions:
 *   ids.flows.v1 → flow features → (by responder host) → host windows → (by service) → service windows → ids.features.v1
 * NSL-KDD's windows need every connection to one host (or one service) in one place; data topics
 * are keyed by flow, so each window stage reads a topic re-keyed for it.
 */
export const FEATURES_APP_IDS = {
  flows: APP_IDS.features,
  hosts: `${APP_IDS.features}-hosts`,
  services: `${APP_IDS.features}-services`,
} as const;

export const WINDOW_STORE = 'windows';
export const PENDING_STORE = 'pending';

export interface FeaturesStageOptions {
  windows?: Partial<WindowOptions>;
  /** A host or service whose window has seen nothing for this long (event time) is forgotten. */
  windowRetentionUs?: number;
}

const DEFAULT_RETENTION_US = 3600 * 1_000_000;
/** How often (event time) windows are swept for retention. */
const SWEEP_EVERY_US = 60 * 1_000_000;

/** Per flow: the features it determines alone, then on to its responder host's window. */
export class FlowFeaturesProcessor implements Processor<string, FlowRecord> {
  private context!: ProcessorContext;

  init(context: ProcessorContext): void {
    this.context = context;
  }

  process(record: StreamRecord<string, FlowRecord>): void {
    const flow = record.value;
    if (!flow) return;
    // The record time is when the flows stage emitted the flow: the time windows are measured in.
    const conn = windowConnection(flow, record.timestampUs);
    const work: FeatureWorkRecord = {
      flow_key: flow.flow_key, flow_uid: flow.uid, flow_id: flow.flow_id, ts_us: flow.ts_us, end_us: conn.endUs,
      orig_h: conn.origH, orig_p: conn.origP, resp_h: conn.respH, resp_p: flow.resp_p, proto: flow.proto, service: conn.service, serror: conn.serror, rerror: conn.rerror,
      features: flowFeatures(flow),
    };
    this.context.forward({ key: flow.resp_h, value: work, timestampUs: conn.endUs });
  }
}

/**
 * What the window store holds per key: the live tracker once the key has been seen, a snapshot
 * (the tracker's JSON, from the changelog) until then. The store keeps the tracker object itself,
 * mutated in place: the changelog writes its snapshot at the flush.
 */
type WindowState = WindowTracker | WindowSnapshot;

const isTracker = (state: WindowState): state is WindowTracker => typeof (state as Partial<WindowTracker>).observe === 'function';

/** A pending connection's place in the release order, and its key in the pending store. */
interface PendingEntry { endUs: number; uid: string; key: string }

/**
 * Holds connections until the watermark passes their end time, then feeds them to the window in
 * (end time, uid) order: records of several upstream tasks interleave differently on every run,
 * and the order must not change the features. Both stores are changelogged, so a restarted task
 * resumes with its pending connections and windows.
 */
abstract class WindowProcessor implements Processor<string, FeatureWorkRecord> {
  protected context!: ProcessorContext;
  private pending!: KeyValueStore<FeatureWorkRecord>;
  private windows!: KeyValueStore<WindowState>;
  /**
   * The pending store's keys in release order, so a watermark takes the due ones off the top
   * instead of sorting the whole store. Built on first use: the store is restored after init.
   */
  private releaseOrder: ConnectionHeap<PendingEntry> | undefined;
  private watermarkUs = Number.NEGATIVE_INFINITY;
  private lastSweepUs = Number.NEGATIVE_INFINITY;
  protected readonly windowOptions: WindowOptions;
  private readonly retentionUs: number;

  constructor(options: FeaturesStageOptions) {
    this.windowOptions = { ...DEFAULT_WINDOW_OPTIONS, ...options.windows };
    this.retentionUs = options.windowRetentionUs ?? DEFAULT_RETENTION_US;
  }

  protected abstract keyOf(work: FeatureWorkRecord): string;
  protected abstract track(snapshot: WindowSnapshot | null): WindowTracker;
  /** Sends `work` on with the window's `features` added to its own. */
  protected abstract emit(work: FeatureWorkRecord, features: FeatureValues): void;

  init(context: ProcessorContext): void {
    this.context = context;
    this.pending = context.getStateStore(PENDING_STORE);
    this.windows = context.getStateStore(WINDOW_STORE);
  }

  process(record: StreamRecord<string, FeatureWorkRecord>): void {
    const work = record.value;
    if (!work) return;
    if (work.end_us < this.watermarkUs) {
      // Cannot happen while markers are in order; after a rebalance it can, and a late
      // connection is still better counted than lost.
      this.context.count('late-connection');
      this.apply(work);
      return;
    }
    const key = `${String(work.end_us).padStart(17, '0')}|${work.flow_uid}`;
    const order = this.pendingOrder();
    this.pending.put(key, work);
    this.enqueue(order, key, work);
  }

  onWatermark(watermarkUs: number): void {
    this.watermarkUs = watermarkUs;
    // Strictly before: an upstream task at watermark W can still emit a flow that ends at W.
    this.release((endUs) => endUs < watermarkUs);
    if (watermarkUs - this.lastSweepUs >= SWEEP_EVERY_US) {
      this.lastSweepUs = watermarkUs;
      this.sweep(watermarkUs - this.retentionUs);
    }
  }

  onEndOfInput(untilUs: number): void {
    this.release((endUs) => endUs <= untilUs);
  }

  /** Applies the pending connections whose end time is due, in (end time, uid) order. */
  private release(due: (endUs: number) => boolean): void {
    const order = this.pendingOrder();
    for (let next = order.peek(); next !== undefined && due(next.endUs); next = order.peek()) {
      order.pop();
      const work = this.pending.get(next.key);
      // Gone: a key put twice is in the order twice, and the first release took it.
      if (work === undefined) continue;
      this.pending.delete(next.key);
      this.apply(work);
    }
  }

  private pendingOrder(): ConnectionHeap<PendingEntry> {
    if (this.releaseOrder) return this.releaseOrder;
    const order = new ConnectionHeap<PendingEntry>();
    for (const [key, work] of this.pending.entries()) this.enqueue(order, key, work);
    return (this.releaseOrder = order);
  }

  private enqueue(order: ConnectionHeap<PendingEntry>, key: string, work: FeatureWorkRecord): void {
    // A NaN end time is never due (no comparison holds), so it has no place in the order either.
    if (!Number.isNaN(work.end_us)) order.push({ endUs: work.end_us, uid: work.flow_uid, key });
  }

  private apply(work: FeatureWorkRecord): void {
    const key = this.keyOf(work);
    const conn: WindowConnection = {
      endUs: work.end_us, uid: work.flow_uid, origH: work.orig_h, origP: work.orig_p, respH: work.resp_h,
      service: work.service, serror: work.serror, rerror: work.rerror,
    };
    const state = this.windows.get(key);
    const tracker = state && isTracker(state) ? state : this.track(state ?? null);
    const step = tracker.observe(conn);
    this.windows.put(key, tracker);
    if (step.evicted > 0) this.context.count('window-evicted', step.evicted);
    try {
      this.emit(work, step.features);
    } catch (error) {
      // Released on a watermark, not from an input record: there is no offset to dead-letter.
      this.context.count(`feature-error:${(error as { code?: string }).code ?? 'UNKNOWN'}`);
    }
  }

  private sweep(beforeUs: number): void {
    for (const [key, state] of [...this.windows.entries()]) {
      const newestEndUs = isTracker(state) ? state.newestEndUs : state.conns[state.conns.length - 1]?.endUs;
      if (newestEndUs === undefined || newestEndUs < beforeUs) this.windows.delete(key);
    }
  }
}

export class HostWindowProcessor extends WindowProcessor {
  private readonly merger = new FeatureMerger();
  protected keyOf(work: FeatureWorkRecord): string { return work.resp_h; }
  protected track(snapshot: WindowSnapshot | null): WindowTracker { return new HostWindowTracker(this.windowOptions, snapshot); }
  protected emit(work: FeatureWorkRecord, features: FeatureValues): void {
    const value: FeatureWorkRecord = { ...work, features: this.merger.merge(work.features, features) };
    this.context.forward({ key: work.service, value, timestampUs: work.end_us });
  }
}

export class ServiceWindowProcessor extends WindowProcessor {
  protected keyOf(work: FeatureWorkRecord): string { return work.service; }
  protected track(snapshot: WindowSnapshot | null): WindowTracker { return new ServiceWindowTracker(this.windowOptions, snapshot); }
  protected emit(work: FeatureWorkRecord, features: FeatureValues): void {
    const vector: FeatureVectorRecord = {
      flow_uid: work.flow_uid, flow_id: work.flow_id, ts_us: work.ts_us, feature_schema: FEATURE_SCHEMA,
      values: toFeatureVector(work.flow_uid, work.features, features),
      src_ip: work.orig_h, src_port: work.orig_p, dest_ip: work.resp_h, dest_port: work.resp_p, proto: work.proto,
    };
    this.context.forward({ key: work.flow_key, value: vector, timestampUs: work.end_us });
  }
}

/** The three sub-topologies of the features stage, upstream first. */
export function featuresTopologies(options: FeaturesStageOptions = {}): Topology[] {
  const window = (appId: string, source: string, processor: () => Processor<unknown, unknown>, sink: { name: string; partitions: number }) =>
    new TopologyBuilder(appId)
      .addSource('source', source)
      .addProcessor('window', processor, 'source')
      .addStateStore({ name: PENDING_STORE, changelog: true }, 'window')
      .addStateStore({ name: WINDOW_STORE, changelog: true }, 'window')
      .addSink('sink', sink.name, sink.partitions, 'window')
      .build();
  return [
    new TopologyBuilder(FEATURES_APP_IDS.flows)
      .addSource('flows-source', TOPICS.flows.name)
      .addProcessor('flow-features', () => new FlowFeaturesProcessor(), 'flows-source')
      .addSink('by-host-sink', TOPICS.featuresByHost.name, TOPICS.featuresByHost.partitions, 'flow-features')
      .build(),
    window(FEATURES_APP_IDS.hosts, TOPICS.featuresByHost.name, () => new HostWindowProcessor(options), TOPICS.featuresByService),
    window(FEATURES_APP_IDS.services, TOPICS.featuresByService.name, () => new ServiceWindowProcessor(options), TOPICS.features),
  ];
}
