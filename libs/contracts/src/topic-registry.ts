import type {
  AlertRecord, DeadLetterRecord, FeatureVectorRecord, FeatureWorkRecord, FlowRecord, MlScoreRecord, PacketRecord, SignatureHitRecord,
} from './records';

/**
 * The single source of truth for every topic. Topic creation (`ids topics apply`), schema
 * registration, the Terraform definitions in `infra/terraform` and the topic table in the README
 * are derived from this list, and a test checks each of them against it.
 */
export type TopicKey = 'flow-key' | 'host' | 'service' | 'original';
export type CleanupPolicy = 'delete' | 'compact';

export interface TopicSpec<V = unknown> {
  readonly name: string;
  readonly partitions: number;
  readonly key: TopicKey;
  /** File name in `schemas/`. */
  readonly schemaFile: string;
  /** Full Avro name of the value record. */
  readonly valueType: string;
  readonly cleanupPolicy: CleanupPolicy;
  /** -1 keeps records forever. */
  readonly retentionMs: number;
  readonly description: string;
  /** Phantom field that carries the value type; never set. */
  readonly __value?: V;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Data topics are co-partitioned: they must all have this many partitions. */
export const DATA_PARTITIONS = 6;

function topic<V>(spec: Omit<TopicSpec<V>, '__value'>): TopicSpec<V> {
  return Object.freeze(spec);
}

export const TOPICS = Object.freeze({
  packets: topic<PacketRecord>({
    name: 'ids.packets.v1', partitions: DATA_PARTITIONS, key: 'flow-key', schemaFile: 'packet.avsc',
    valueType: 'org.hybridids.v1.Packet', cleanupPolicy: 'delete', retentionMs: 1 * DAY_MS,
    description: 'Captured frames, one record per packet, keyed by flow.',
  }),
  flows: topic<FlowRecord>({
    name: 'ids.flows.v1', partitions: DATA_PARTITIONS, key: 'flow-key', schemaFile: 'flow.avsc',
    valueType: 'org.hybridids.v1.Flow', cleanupPolicy: 'delete', retentionMs: 7 * DAY_MS,
    description: 'Finished bidirectional flows (Zeek conn.log fields).',
  }),
  features: topic<FeatureVectorRecord>({
    name: 'ids.features.v1', partitions: DATA_PARTITIONS, key: 'flow-key', schemaFile: 'feature-vector.avsc',
    valueType: 'org.hybridids.v1.FeatureVector', cleanupPolicy: 'delete', retentionMs: 7 * DAY_MS,
    description: 'One feature vector per flow.',
  }),
  featuresByHost: topic<FeatureWorkRecord>({
    name: repartitionTopic('ids-features', 'by-host'), partitions: DATA_PARTITIONS, key: 'host', schemaFile: 'feature-work.avsc',
    valueType: 'org.hybridids.v1.FeatureWork', cleanupPolicy: 'delete', retentionMs: 1 * DAY_MS,
    description: 'Features stage, internal: flows re-keyed by responder host for the NSL-KDD host windows.',
  }),
  featuresByService: topic<FeatureWorkRecord>({
    name: repartitionTopic('ids-features', 'by-service'), partitions: DATA_PARTITIONS, key: 'service', schemaFile: 'feature-work.avsc',
    valueType: 'org.hybridids.v1.FeatureWork', cleanupPolicy: 'delete', retentionMs: 1 * DAY_MS,
    description: 'Features stage, internal: flows re-keyed by service for the NSL-KDD service windows.',
  }),
  signaturesByTrack: topic<SignatureHitRecord>({
    name: repartitionTopic('ids-signatures', 'by-track'), partitions: DATA_PARTITIONS, key: 'host', schemaFile: 'signature-hit.avsc',
    valueType: 'org.hybridids.v1.SignatureHit', cleanupPolicy: 'delete', retentionMs: 1 * DAY_MS,
    description: 'Signatures stage, internal: rule matches, those of threshold/detection_filter rules keyed by the address they count by, the others by flow.',
  }),
  signatureHits: topic<SignatureHitRecord>({
    name: 'ids.signature-hits.v1', partitions: DATA_PARTITIONS, key: 'flow-key', schemaFile: 'signature-hit.avsc',
    valueType: 'org.hybridids.v1.SignatureHit', cleanupPolicy: 'delete', retentionMs: 7 * DAY_MS,
    description: 'Signature rule matches.',
  }),
  mlScores: topic<MlScoreRecord>({
    name: 'ids.ml-scores.v1', partitions: DATA_PARTITIONS, key: 'flow-key', schemaFile: 'ml-score.avsc',
    valueType: 'org.hybridids.v1.MlScore', cleanupPolicy: 'delete', retentionMs: 7 * DAY_MS,
    description: 'Model verdicts per feature vector.',
  }),
  alerts: topic<AlertRecord>({
    name: 'ids.alerts.v1', partitions: DATA_PARTITIONS, key: 'flow-key', schemaFile: 'alert.avsc',
    valueType: 'org.hybridids.v1.Alert', cleanupPolicy: 'delete', retentionMs: 30 * DAY_MS,
    description: 'Fused alerts (EVE alert layout plus detection block).',
  }),
  dlq: topic<DeadLetterRecord>({
    name: 'ids.dlq.v1', partitions: 1, key: 'original', schemaFile: 'dead-letter.avsc',
    valueType: 'org.hybridids.v1.DeadLetter', cleanupPolicy: 'delete', retentionMs: 30 * DAY_MS,
    description: 'Records a stage could not process, with the reason.',
  }),
});

export type TopicName = keyof typeof TOPICS;
export const ALL_TOPICS: readonly TopicSpec[] = Object.values(TOPICS);

/** Confluent subject naming (TopicNameStrategy). */
export function valueSubject(topicName: string): string {
  return `${topicName}-value`;
}

/** Kafka Streams naming for a state store's changelog topic. */
export function changelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** Kafka Streams naming for a repartition topic. */
export function repartitionTopic(applicationId: string, name: string): string {
  return `${applicationId}-${name}-repartition`;
}

export function topicByName(name: string): TopicSpec | undefined {
  return ALL_TOPICS.find((t) => t.name === name);
}
