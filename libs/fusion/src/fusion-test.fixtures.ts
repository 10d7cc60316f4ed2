import type { MlScoreRecord, SignatureHitRecord } from '@ids/contracts';

// Builders for the specs of this lib and of the fusion stage; not exported from index.ts.
export const S = 1_000_000;

export function hitRecord(over: Partial<SignatureHitRecord> = {}): SignatureHitRecord {
  return {
    ts_us: 1_700_000_000 * S, flow_id: 42, flow_key: '6/0/10.0.0.1/40000/10.0.0.2/80',
    src_ip: '10.0.0.1', src_port: 40000, dest_ip: '10.0.0.2', dest_port: 80, proto: 'TCP',
    gid: 1, sid: 1000001, rev: 2, msg: 'ET SCAN SYN flood', classtype: 'attempted-dos', priority: 2, family: 'dos', label: 'syn-flood',
    ...over,
  };
}

export function scoreRecord(over: Partial<MlScoreRecord> = {}): MlScoreRecord {
  return {
    ts_us: 1_700_000_000 * S, flow_uid: 'C0000000000000042', flow_id: 42, model: 'flow-gbdt', model_version: '1.0.0', shadow: false,
    label: 'syn-flood', family: 'dos', confidence: 0.95, anomaly_score: null,
    src_ip: '10.0.0.1', src_port: 40000, dest_ip: '10.0.0.2', dest_port: 80, proto: 'tcp',
    ...over,
  };
}

export function anomalyRecord(score: number, threshold: number, over: Partial<MlScoreRecord> = {}): MlScoreRecord {
  const anomalous = score >= threshold;
  return scoreRecord({
    model: 'flow-iforest', label: anomalous ? 'anomaly' : 'benign', family: anomalous ? 'anomaly' : 'benign',
    confidence: score / (score + threshold), anomaly_score: score, ...over,
  });
}
