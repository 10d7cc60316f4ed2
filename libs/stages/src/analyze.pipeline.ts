import { ALL_TOPICS, TOPICS, type AlertRecord, type DeadLetterRecord, type FeatureVectorRecord, type FlowRecord, type MlScoreRecord } from '@ids/contracts';
import type { Rule } from '@ids/rules';
import { PcapFileReader } from '@ids/pcap';
import { EmbeddedRuntime, InMemoryLog } from '@ids/topology';
import { runCaptureSource, type CaptureStats } from './capture.source';
import { DefragmentingFrameKeyer } from './frame-key';
import { featuresTopologies, type FeaturesStageOptions } from './features.stage';
import { flowsTopology, type FlowsStageOptions } from './flows.stage';
import { collectorTopology, type RecordPort } from './record-collector';
import { inferenceTopology, type VectorScorer } from './inference.stage';
import { fusionTopology } from './fusion.stage';
import { fixedRuleSource, signaturesTopology } from './signatures.stage';
import { sinkTopology } from './sink.stage';
import type { FlowSinkPort } from './flow-sink.port';

/** The embedded run's reader of ids.features.v1 (a consumer group of its own, as on Kafka). */
const ANALYZE_FEATURES_READER = 'ids-analyze-features-reader';
const ANALYZE_ML_SCORES_READER = 'ids-analyze-ml-scores-reader';
const ANALYZE_ALERTS_READER = 'ids-analyze-alerts-reader';

export interface AnalyzeOptions {
  flows?: FlowsStageOptions;
  features?: FeaturesStageOptions;
  /** Receives feature vectors as they come out of the features stage; by default they are collected in memory. */
  featureSink?: RecordPort<FeatureVectorRecord>;
  /** Scores feature vectors (an InferenceEngine over models/); without one the inference stage does not run. */
  scorer?: VectorScorer;
  mlScoreSink?: RecordPort<MlScoreRecord>;
  /** Signature rules; without them the signatures stage does not run. */
  signatureRules?: readonly Rule[];
  /** Fused alerts (ids.alerts.v1); by default collected in memory. Fusion runs when signatures or a scorer do. */
  alertSink?: RecordPort<AlertRecord>;
  /** Receives flows as the sink stage writes them; by default they are collected in memory. */
  flowSink?: FlowSinkPort;
  /** Frames read between two drains of the topology: bounds the memory the log holds. */
  drainEvery?: number;
}

export interface AnalyzeResult {
  capture: CaptureStats;
  flows: FlowRecord[];
  /** Empty when `featureSink` was given. */
  features: FeatureVectorRecord[];
  /** Empty when `mlScoreSink` was given or no scorer ran. */
  mlScores: MlScoreRecord[];
  /** Fused alerts; empty when `alertSink` was given or neither detection layer ran. */
  alerts: AlertRecord[];
  /** Counted events by stage and reason (decoder errors, skipped records). */
  counters: Record<string, number>;
  deadLetters: DeadLetterRecord[];
}

/**
 * `ids analyze`: the capture → flows → sink and features topologies on the embedded runtime, over a capture
 * file, with no Kafka, registry or ClickHouse. The topologies are the ones the Kafka runtime runs.
 */
export async function analyzeCapture(path: string, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const log = new InMemoryLog();
  for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
  const flows: FlowRecord[] = [];
  const sink: FlowSinkPort = options.flowSink ?? { writeFlows: async (batch) => { flows.push(...batch); } };
  const features: FeatureVectorRecord[] = [];
  const featureSink: RecordPort<FeatureVectorRecord> = options.featureSink ?? ((batch) => { features.push(...batch); });
  const mlScores: MlScoreRecord[] = [];
  const mlScoreSink: RecordPort<MlScoreRecord> = options.mlScoreSink ?? ((batch) => { mlScores.push(...batch); });
  const alerts: AlertRecord[] = [];
  const alertSink: RecordPort<AlertRecord> = options.alertSink ?? ((batch) => { alerts.push(...batch); });
  const deadLetters: DeadLetterRecord[] = [];
  const detecting = { hits: options.signatureRules !== undefined, scores: options.scorer !== undefined };
  const topologies = [
    flowsTopology(options.flows),
    sinkTopology(sink),
    ...featuresTopologies(options.features),
    collectorTopology(ANALYZE_FEATURES_READER, TOPICS.features.name, featureSink),
    ...(options.scorer ? [
      inferenceTopology(options.scorer),
      collectorTopology(ANALYZE_ML_SCORES_READER, TOPICS.mlScores.name, mlScoreSink),
    ] : []),
    ...(options.signatureRules ? signaturesTopology(fixedRuleSource(options.signatureRules)) : []),
    ...(detecting.hits || detecting.scores ? [
      fusionTopology({}, detecting),
      collectorTopology(ANALYZE_ALERTS_READER, TOPICS.alerts.name, alertSink),
    ] : []),
  ];
  // One run, never resumed: no changelogs (they would hold every flow table change of the capture).
  const runtime = new EmbeddedRuntime(log, topologies, { onDeadLetter: (l) => deadLetters.push(l), changelogs: false });
  runtime.start();
  try {
    const capture = await runCaptureSource(new PcapFileReader(path), runtime.writer, {
      captureId: path,
      interfaceName: path,
      keyer: new DefragmentingFrameKeyer(),
      progressEvery: options.drainEvery ?? 8192,
      onProgress: () => runtime.runUntilIdle(),
    });
    await runtime.runUntilIdle();
    return { capture, flows, features, mlScores, alerts, counters: Object.fromEntries(runtime.taskCounters()), deadLetters };
  } finally {
    await runtime.close();
  }
}
