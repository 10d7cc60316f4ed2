import { ALL_TOPICS, TOPICS, type FeatureVectorRecord, type MlScoreRecord } from '@ids/contracts';
import { InferenceError, type ScoreOptions, type ScoreRequest, type ScoreResult } from '@ids/inference';
import { EmbeddedRuntime, InMemoryLog, endOfInput } from '@ids/topology';
import { inferenceTopology, type VectorScorer } from './inference.stage';

// The inference stage's logic with a stand-in scorer; libs/inference's own tests and the quality
// gate (test/cases/ml-holdout) run the real ONNX Runtime engine.
class SchemaError extends InferenceError {
  readonly code = 'FEATURE_SCHEMA_MISMATCH';
  readonly retriable = false;
}

const scorer = (calls: ScoreRequest[][], options: (ScoreOptions | undefined)[] = []): VectorScorer => ({
  check: (r) => (r.featureSchema === 'cic+kdd/1' ? null : new SchemaError(`vector ${r.key}: feature_schema "${r.featureSchema}"`)),
  score: async (requests, o) => {
    calls.push(requests);
    options.push(o);
    return requests.map((r): ScoreResult => ({
      key: r.key, ok: true, cached: false,
      scores: [{ model: 'm', version: '1.0.0', role: 'classifier', shadow: false, label: r.values[0] > 0.5 ? 'syn-flood' : 'benign', family: r.values[0] > 0.5 ? 'dos' : 'benign', confidence: 0.9, anomalyScore: null, alert: r.values[0] > 0.5 }],
    }));
  },
});

const vector = (uid: string, x: number, schema = 'cic+kdd/1'): FeatureVectorRecord => ({
  flow_uid: uid, flow_id: 1, ts_us: 5, feature_schema: schema, values: [x], src_ip: '10.0.0.1', src_port: 1, dest_ip: '10.0.0.2', dest_port: 80, proto: 'tcp',
});

describe('inference stage', () => {
  it('shouldScoreVectorsInBatchesAndDeadLetterTheOnesTheModelsRefuse', async () => {
    const log = new InMemoryLog();
    for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
    const calls: ScoreRequest[][] = [];
    const options: (ScoreOptions | undefined)[] = [];
    const letters: string[] = [];
    const runtime = new EmbeddedRuntime(log, [inferenceTopology(scorer(calls, options))], { onDeadLetter: (l) => letters.push(`${l.error_code} @${l.source_offset}`) });
    runtime.start();
    log.append(TOPICS.features.name, 2, { key: 'k1', value: vector('C1', 0.9), timestampUs: 10 });
    log.append(TOPICS.features.name, 2, { key: 'k2', value: vector('C2', 0.1, 'other/9'), timestampUs: 11 });
    log.append(TOPICS.features.name, 2, { key: 'k3', value: vector('C3', 0.2), timestampUs: 12 });
    log.append(TOPICS.features.name, 2, endOfInput(12));
    await runtime.runUntilIdle();
    const out = Array.from({ length: 6 }, (_, p) => log.read(TOPICS.mlScores.name, p, 0, 100)).flat().map((r) => r.record).filter((r) => !r.control)
      .sort((a, b) => a.timestampUs - b.timestampUs);
    expect(out.map((r) => [r.key, (r.value as MlScoreRecord).flow_uid, (r.value as MlScoreRecord).label, (r.value as MlScoreRecord).dest_port, r.timestampUs]))
      .toEqual([['k1', 'C1', 'syn-flood', 80, 10], ['k3', 'C3', 'benign', 80, 12]]);
    expect(calls.map((c) => c.map((r) => r.key))).toEqual([['C1', 'C3']]);
    // what reaches score() passed check() in process(), and nothing joins it while it is scored
    expect(options).toEqual([{ valuesChecked: true, noWait: true }]);
    expect(letters).toEqual(['FEATURE_SCHEMA_MISMATCH @1']);
  });
});
