import type { Admin, ITopicConfig } from 'kafkajs';
import type { TopicSpec } from '@ids/contracts';

export class TopicMismatchError extends Error {
  readonly code = 'TOPIC_MISMATCH';
  readonly retriable = false;
  constructor(readonly topic: string, message: string) {
    super(`topic ${topic}: ${message}`);
    this.name = 'TopicMismatchError';
  }
}

export interface TopicToApply {
  name: string;
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  retentionMs: number;
  /** Further topic configs, set when the topic is created (an existing topic is left as it is). */
  config?: Readonly<Record<string, string>>;
}

export function fromSpec(t: TopicSpec): TopicToApply {
  return { name: t.name, partitions: t.partitions, cleanupPolicy: t.cleanupPolicy, retentionMs: t.retentionMs };
}

/**
 * Creates the topics that are missing and checks the ones that exist: a partition count that
 * differs from the registry breaks co-partitioning, so it is an error, never silently accepted.
 */
export async function applyTopics(admin: Admin, topics: TopicToApply[], replicationFactor = 1): Promise<{ created: string[]; existing: string[] }> {
  const existingNames = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existingNames.has(t.name));
  const present = topics.filter((t) => existingNames.has(t.name));
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const t of present) {
      const found = meta.topics.find((m) => m.name === t.name);
      if (found && found.partitions.length !== t.partitions) {
        throw new TopicMismatchError(t.name, `has ${found.partitions.length} partitions, the topic registry says ${t.partitions}`);
      }
    }
  }
  if (missing.length > 0) {
    const configs: ITopicConfig[] = missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: t.cleanupPolicy },
        { name: 'retention.ms', value: String(t.retentionMs) },
        ...Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
      ],
    }));
    await admin.createTopics({ topics: configs, waitForLeaders: true });
  }
  return { created: missing.map((t) => t.name), existing: present.map((t) => t.name) };
}
