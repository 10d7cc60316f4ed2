import { TOPICS, type FeatureVectorRecord } from '@ids/contracts';
import { toMlScoreRecords, type InferenceError, type ScoreOptions, type ScoreRequest, type ScoreResult } from '@ids/inference';
import { TopologyBuilder, type Processor, type ProcessorContext, type StreamRecord, type Topology } from '@ids/topology';
import { APP_IDS } from './stage-names';

/** What the inference stage needs of a scorer: @ids/inference's InferenceEngine, or a stand-in in unit tests. */
export interface VectorScorer {
  check(request: ScoreRequest): InferenceError | null;
  score(requests: ScoreRequest[], options?: ScoreOptions): Promise<ScoreResult[]>;
}

const requestOf = (v: FeatureVectorRecord): ScoreRequest => ({ key: v.flow_uid, featureSchema: v.feature_schema, values: v.values });

/**
 * Scores each batch of feature vectors in `flush`, before the batch's offsets commit, so a crash
 * re-scores rather than loses. A vector the models cannot take (another feature schema, a wrong
 * length, a non-finite value) is refused in `process`, where the runtime still knows its offset,
 * and goes to the dead-letter topic with the reason.
 */
export class InferenceProcessor implements Processor<string, FeatureVectorRecord> {
  private context!: ProcessorContext;
  private batch: StreamRecord<string, FeatureVectorRecord>[] = [];

  constructor(private readonly scorer: VectorScorer) {}

  init(context: ProcessorContext): void {
    this.context = context;
  }

  process(record: StreamRecord<string, FeatureVectorRecord>): void {
    if (!record.value) return;
    const refused = this.scorer.check(requestOf(record.value));
    if (refused) throw refused;
    this.batch.push(record);
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    // Every vector passed check() in process(), so the engine need not read its values again; and
    // nothing joins this batch while it is scored, so its tail need not wait for a fuller batch.
    const results = await this.scorer.score(batch.map((r) => requestOf(r.value!)), { valuesChecked: true, noWait: true });
    results.forEach((result, i) => {
      const record = batch[i];
      if (!result.ok) {
        // Refused after the check (a model reloaded in between) or lost to the workers twice:
        // failing the batch makes the runtime retry it from its offsets.
        if (result.error.retriable) throw result.error;
        this.context.count(`refused:${result.error.code}`);
        return;
      }
      if (result.cached) this.context.count('cache-hit');
      for (const score of toMlScoreRecords(record.value!, result.scores)) {
        this.context.forward({ key: record.key, value: score, timestampUs: record.timestampUs });
      }
    });
  }
}

export function inferenceTopology(scorer: VectorScorer): Topology {
  return new TopologyBuilder(APP_IDS.inference)
    .addSource('features-source', TOPICS.features.name)
    .addProcessor('score', () => new InferenceProcessor(scorer), 'features-source')
    .addSink('ml-scores-sink', TOPICS.mlScores.name, TOPICS.mlScores.partitions, 'score')
    .build();
}
