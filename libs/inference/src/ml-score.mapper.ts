import type { FeatureVectorRecord, MlScoreRecord } from '@ids/contracts';
import type { ModelScore } from './model-score.interpreter';

/** The ids.ml-scores.v1 records for one scored feature vector: one per model, shadows included. */
export function toMlScoreRecords(source: Pick<FeatureVectorRecord, 'ts_us' | 'flow_uid' | 'flow_id' | 'src_ip' | 'src_port' | 'dest_ip' | 'dest_port' | 'proto'>, scores: readonly ModelScore[]): MlScoreRecord[] {
  return scores.map((s) => ({
    ts_us: source.ts_us,
    flow_uid: source.flow_uid,
    flow_id: source.flow_id,
    model: s.model,
    model_version: s.version,
    shadow: s.shadow,
    label: s.label,
    family: s.family,
    confidence: s.confidence,
    anomaly_score: s.anomalyScore,
    src_ip: source.src_ip,
    src_port: source.src_port,
    dest_ip: source.dest_ip,
    dest_port: source.dest_port,
    proto: source.proto,
  }));
}
