import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS, repoRoot, valueSubject } from '@ids/contracts';
import { applyTopics, TopicMismatchError } from '@ids/kafka';
import { CHANGELOG_TOPIC_CONFIG } from '@ids/stage-host';

// `ids topics apply` against the real broker and registry: every topic of the registry exists
// with its partitions and cleanup policy, and every value schema is registered under its subject.
const kafka = new Kafka({ clientId: 'topics-apply-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
const REGISTRY = 'http://127.0.0.1:8081';

describe('ids topics apply', () => {
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates every topic and registers every schema, and a second run changes nothing', async () => {
    for (let run = 0; run < 2; run++) {
      const r = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'ids.js'), 'topics', 'apply'], { encoding: 'utf8', env: { ...process.env, IDS_LOG_LEVEL: 'warn' } });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    }
    const changelog = 'ids-flows-flow-table-changelog';
    const meta = await admin.fetchTopicMetadata({ topics: [...ALL_TOPICS.map((t) => t.name), changelog] });
    const partitions = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
    expect(partitions).toEqual(Object.fromEntries([...ALL_TOPICS.map((t) => [t.name, t.partitions]), [changelog, 6]]));
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [changelog, 'ids.flows.v1'].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })) });
    expect(Object.fromEntries(configs.resources.map((r) => [r.resourceName, r.configEntries[0].configValue]))).toEqual({ [changelog]: 'compact', 'ids.flows.v1': 'delete' });
    const subjects = (await (await fetch(`${REGISTRY}/subjects`)).json()) as string[];
    expect(subjects).toEqual(expect.arrayContaining(ALL_TOPICS.map((t) => valueSubject(t.name))));
  });

  it('creates a topic with the further configs it is given (a changelog\'s segment roll)', async () => {
    const name = `ids-test-changelog-${Date.now()}`;
    try {
      await applyTopics(admin, [{ name, partitions: 2, cleanupPolicy: 'compact', retentionMs: -1, config: CHANGELOG_TOPIC_CONFIG }]);
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'segment.ms', 'segment.bytes'] }] });
      expect(Object.fromEntries(configs.resources[0].configEntries.map((e) => [e.configName, e.configValue]))).toEqual({ 'cleanup.policy': 'compact', ...CHANGELOG_TOPIC_CONFIG });
    } finally {
      await admin.deleteTopics({ topics: [name] });
    }
  });

  it('refuses a topic whose partition count differs from the registry', async () => {
    const name = `ids-test-mismatch-${Date.now()}`;
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    try {
      await expect(applyTopics(admin, [{ name, partitions: 6, cleanupPolicy: 'delete', retentionMs: 1000 }])).rejects.toThrow(TopicMismatchError);
      await expect(applyTopics(admin, [{ name, partitions: 6, cleanupPolicy: 'delete', retentionMs: 1000 }])).rejects.toThrow(`topic ${name}: has 2 partitions, the topic registry says 6`);
    } finally {
      await admin.deleteTopics({ topics: [name] });
    }
  });
});
