import type { TopicToApply } from '@ids/kafka';

/**
 * Terraform definitions of every topic (the Mongey/kafka provider's `kafka_topic`), derived from
 * the topic registry and the stages' changelogs; `infra/terraform/topics.tf.json` is this output,
 * and a test fails when the two differ.
 */
export function terraformTopics(topics: TopicToApply[]): string {
  const resources = Object.fromEntries(topics.map((t) => [
    t.name.replace(/[^A-Za-z0-9_]/g, '_'),
    {
      name: t.name,
      partitions: t.partitions,
      replication_factor: '${var.replication_factor}',
      config: { 'cleanup.policy': t.cleanupPolicy, 'retention.ms': String(t.retentionMs), ...t.config },
    },
  ]));
  const doc = {
    '//': 'Generated from the topic registry by `ids topics terraform`; do not edit by hand.',
    terraform: { required_providers: { kafka: { source: 'Mongey/kafka', version: '~> 0.7' } } },
    variable: { replication_factor: { type: 'number', default: 3, description: 'Replication factor of every topic.' } },
    resource: { kafka_topic: resources },
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
