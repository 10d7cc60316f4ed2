import { TOPICS, type AlertRecord, type MlScoreRecord, type SignatureHitRecord } from '@ids/contracts';
import { decide, DEFAULT_FUSION_LIMITS, observeHit, type FlowFusionState, type FusionLimits } from '@ids/fusion';
import { TopologyBuilder, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord, type Topology } from '@ids/topology';
import { APP_IDS } from './stage-names';

/** Per flow_id: alerted sids and kept hits (FlowFusionState). */
export const FUSION_FLOWS_STORE = 'flows';
/** Scores waiting for the watermark to pass their flow's end, keyed `<time>|<uid>|<model>`. */
export const FUSION_PENDING_STORE = 'pending';

export interface FusionStageOptions {
  limits?: Partial<FusionLimits>;
  /** A flow with no record for this long (event time) is forgotten, decided or not. */
  flowRetentionUs?: number;
}

const DEFAULT_RETENTION_US = 3600 * 1_000_000;
/** How often (event time) flow states are swept for retention. */
const SWEEP_EVERY_US = 60 * 1_000_000;

interface PendingScore {
  key: string | null;
  timeUs: number;
  score: MlScoreRecord;
}

function isMlScore(value: SignatureHitRecord | MlScoreRecord): value is MlScoreRecord {
  return typeof (value as MlScoreRecord).model === 'string' && typeof (value as MlScoreRecord).flow_uid === 'string';
}

/**
 * Joins the two inputs of one task. A hit alerts at once (first of its sid in the flow); scores
 * wait until the watermark passes their record time (the flow's end), so the hits of their flow
 * have all arrived, and are then decided in (time, uid, model) order: the arrival order of the two
 * topics never changes the alerts. Both stores are changelogged, so a restarted task resumes with
 * its flows and pending scores.
 */
export class FusionProcessor implements Processor<string, SignatureHitRecord | MlScoreRecord> {
  private context!: ProcessorContext;
  private flows!: KeyValueStore<FlowFusionState>;
  private pending!: KeyValueStore<PendingScore>;
  private watermarkUs = Number.NEGATIVE_INFINITY;
  private lastSweepUs = Number.NEGATIVE_INFINITY;
  private readonly limits: FusionLimits;
  private readonly retentionUs: number;

  constructor(options: FusionStageOptions = {}) {
    this.limits = { ...DEFAULT_FUSION_LIMITS, ...options.limits };
    this.retentionUs = options.flowRetentionUs ?? DEFAULT_RETENTION_US;
  }

  init(context: ProcessorContext): void {
    this.context = context;
    this.flows = context.getStateStore(FUSION_FLOWS_STORE);
    this.pending = context.getStateStore(FUSION_PENDING_STORE);
  }

  process(record: StreamRecord<string, SignatureHitRecord | MlScoreRecord>): void {
    const value = record.value;
    if (!value) return;
    if (isMlScore(value)) this.onScore(record.key, value, record.timestampUs);
    else this.onHit(record.key, value);
  }

  onWatermark(watermarkUs: number): void {
    this.watermarkUs = watermarkUs;
    // Strictly before: a flow ending exactly at the watermark can still have hits on their way.
    this.release((p) => p.timeUs < watermarkUs);
    if (watermarkUs - this.lastSweepUs >= SWEEP_EVERY_US) {
      this.lastSweepUs = watermarkUs;
      this.sweep(watermarkUs - this.retentionUs);
    }
  }

  onEndOfInput(untilUs: number): void {
    // Flows left without a score are not forgotten here but by retention: on a shared topic a
    // flow of this round can still be scored later, at a time another input's watermark sets.
    this.release((p) => p.timeUs <= untilUs);
  }

  private onHit(key: string | null, hit: SignatureHitRecord): void {
    if (hit.ts_us < this.watermarkUs) this.context.count('late-hit');
    const flowKey = String(hit.flow_id);
    const step = observeHit(this.flows.get(flowKey) ?? null, hit, this.limits);
    this.flows.put(flowKey, step.state);
    if (step.dropped) this.context.count('hit-not-kept');
    if (!step.alert) {
      this.context.count('suppressed-hit');
      return;
    }
    this.emit(key, step.alert, hit.ts_us);
  }

  private onScore(key: string | null, score: MlScoreRecord, timeUs: number): void {
    if (score.shadow) {
      this.context.count('shadow-score');
      return;
    }
    const pending: PendingScore = { key, timeUs, score };
    if (timeUs < this.watermarkUs) {
      // Cannot happen while markers are in order; after a rebalance it can, and a late score is
      // still better decided alone than lost.
      this.context.count('late-score');
      this.decideFlow([pending]);
      return;
    }
    this.pending.put(`${String(timeUs).padStart(17, '0')}|${score.flow_uid}|${score.model}`, pending);
  }

  private release(due: (p: PendingScore) => boolean): void {
    const ready = [...this.pending.entries()].filter(([, p]) => due(p)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let group: PendingScore[] = [];
    for (const [k, p] of ready) {
      this.pending.delete(k);
      const head = group[0];
      if (head && (head.timeUs !== p.timeUs || head.score.flow_uid !== p.score.flow_uid)) {
        this.decideFlow(group);
        group = [];
      }
      group.push(p);
    }
    if (group.length > 0) this.decideFlow(group);
  }

  private decideFlow(group: PendingScore[]): void {
    const { key, timeUs, score } = group[0];
    const flowKey = String(score.flow_id);
    const state = this.flows.get(flowKey);
    this.flows.delete(flowKey);
    this.context.count('flow-decided');
    const alert = decide({ timeUs, scores: group.map((p) => p.score), hits: state?.hits ?? [] });
    if (alert) this.emit(key, alert, timeUs);
  }

  private emit(key: string | null, alert: AlertRecord, timeUs: number): void {
    this.context.count(`alert:${alert.detection.method}`);
    this.context.forward({ key, value: alert, timestampUs: timeUs });
  }

  private sweep(beforeUs: number): void {
    for (const [k, state] of [...this.flows.entries()]) {
      if (state.lastUs < beforeUs) {
        this.flows.delete(k);
        this.context.count('flow-expired');
      }
    }
  }
}

/**
 * ids.signature-hits.v1 + ids.ml-scores.v1 → ids.alerts.v1 (see libs/fusion/README.md). An
 * embedded run without one of the layers (no rules, or no models) leaves that input out: a topic
 * nobody writes would hold the watermark back forever.
 */
export function fusionTopology(options: FusionStageOptions = {}, inputs: { hits: boolean; scores: boolean } = { hits: true, scores: true }): Topology {
  const sources = [...(inputs.hits ? ['hits-source'] : []), ...(inputs.scores ? ['scores-source'] : [])];
  let builder = new TopologyBuilder(APP_IDS.fusion);
  if (inputs.hits) builder = builder.addSource('hits-source', TOPICS.signatureHits.name);
  if (inputs.scores) builder = builder.addSource('scores-source', TOPICS.mlScores.name);
  return builder
    .addProcessor('fuse', () => new FusionProcessor(options), ...sources)
    .addStateStore({ name: FUSION_FLOWS_STORE, changelog: true }, 'fuse')
    .addStateStore({ name: FUSION_PENDING_STORE, changelog: true }, 'fuse')
    .addSink('alerts-sink', TOPICS.alerts.name, TOPICS.alerts.partitions, 'fuse')
    .build();
}
