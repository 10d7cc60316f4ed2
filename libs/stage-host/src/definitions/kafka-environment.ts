import type { Kafka } from 'kafkajs';
import { ALL_TOPICS } from '@ids/contracts';
import type { IdsConfig } from '@ids/config';
import { applyTopics, createKafka, fromSpec, type TopicToApply } from '@ids/kafka';
import type { Logger } from '@ids/observability';
import { TopicSerdes } from '@ids/serdes';
import { changelogTopicsOf, type Topology } from '@ids/topology';

/** The Kafka side of a stage: client, serdes with registered schemas, and its topics in place. */
export interface KafkaEnvironment { kafka: Kafka; serdes: TopicSerdes }

/**
 * A changelog is read from its beginning when a task is restored, and compaction only reaches
 * closed segments: rolled every 10 minutes (or 64 MiB), a restore reads the live state plus at most
 * that much of recent changes, where the broker's defaults (7 days, 1 GiB) would let every put and
 * tombstone of a week pile up in the active segment (a store of pending items is mostly those).
 */
export const CHANGELOG_TOPIC_CONFIG: Readonly<Record<string, string>> = { 'segment.ms': String(10 * 60_000), 'segment.bytes': String(64 * 1024 * 1024) };

/** Every topic the registry declares plus the changelogs of the given topologies. */
export function topicsToApply(topologies: Topology[]): TopicToApply[] {
  const data = ALL_TOPICS.map(fromSpec);
  const partitions = Math.max(...ALL_TOPICS.map((t) => t.partitions));
  const changelogs = topologies.flatMap((t) => changelogTopicsOf(t, partitions))
    .map((c) => ({ name: c.name, partitions: c.partitions, cleanupPolicy: 'compact' as const, retentionMs: -1, config: CHANGELOG_TOPIC_CONFIG }));
  return [...data, ...changelogs];
}

/** Creates missing topics and registers every schema: what `ids topics apply` and each stage do at start. */
export async function prepareKafka(config: IdsConfig, logger: Logger, topologies: Topology[]): Promise<KafkaEnvironment> {
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, security: config.kafka.security, logger });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await applyTopics(admin, topicsToApply(topologies), config.kafka.replicationFactor);
    if (result.created.length > 0) logger.info({ created: result.created }, 'created topics');
  } finally {
    await admin.disconnect();
  }
  const serdes = TopicSerdes.connect(config.schemaRegistry.url, config.schemaRegistry.auth);
  await serdes.register(ALL_TOPICS);
  return { kafka, serdes };
}
