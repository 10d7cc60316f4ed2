import { toMlScoreRecords } from './ml-score.mapper';
import type { ModelScore } from './model-score.interpreter';

const tuple = { src_ip: '10.0.0.1', src_port: 40000, dest_ip: '10.0.0.2', dest_port: 80, proto: 'tcp' };

describe('toMlScoreRecords', () => {
  it('writes one record per model with the flow identity of the vector', () => {
    const scores: ModelScore[] = [
      { model: 'g', version: '1.0.0', role: 'classifier', shadow: false, label: 'syn-flood', family: 'dos', confidence: 0.9, anomalyScore: null, alert: true },
      { model: 'a', version: '2.0.0', role: 'anomaly', shadow: true, label: 'benign', family: 'benign', confidence: 0.2, anomalyScore: 1.5, alert: false },
    ];
    expect(toMlScoreRecords({ ts_us: 7, flow_uid: 'C1', flow_id: 42, ...tuple }, scores)).toEqual([
      { ts_us: 7, flow_uid: 'C1', flow_id: 42, model: 'g', model_version: '1.0.0', shadow: false, label: 'syn-flood', family: 'dos', confidence: 0.9, anomaly_score: null, ...tuple },
      { ts_us: 7, flow_uid: 'C1', flow_id: 42, model: 'a', model_version: '2.0.0', shadow: true, label: 'benign', family: 'benign', confidence: 0.2, anomaly_score: 1.5, ...tuple },
    ]);
  });
});
