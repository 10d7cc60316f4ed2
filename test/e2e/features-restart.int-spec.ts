import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { repoRoot, TOPICS, type FeatureVectorRecord } from '@ids/contracts';
import { TopicSerdes } from '@ids/serdes';
import { analyzeCapture } from '@ids/stages';
import { framesAtReplayTime, withHostsOfItsOwn, writeCapture } from './replay-time';
import { eventually, registryTopicsExist, startApp, stopApp } from './stack-processes';

// The features stage (three consumer groups split at two repartition topics, each with its window
// stores changelogged) SIGKILLed while it works through a capture's flows, then restarted: every
// flow must get exactly one feature vector, equal to the embedded runtime's, though the kill
// left transactions open in all three groups and their windows half built.
const CAPTURE = join(repoRoot(), 'test', 'cases', 'ml-holdout', 'capture.pcap');
const GROUPS = [
  { group: 'ids-features', topic: TOPICS.flows.name },
  { group: 'ids-features-hosts', topic: 'ids-features-by-host-repartition' },
  { group: 'ids-features-services', topic: 'ids-features-by-service-repartition' },
];

describe('features stage restart', () => {
  const kafka = new Kafka({ clientId: 'features-restart-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const serdes = TopicSerdes.connect('http://127.0.0.1:8081');
  const apps: Parameters<typeof stopApp>[0][] = [];

  beforeAll(async () => { await admin.connect(); await registryTopicsExist(admin); });
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await admin.disconnect();
  }, 60_000);

  const highs = async (topic: string): Promise<Map<number, number>> =>
    new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  /** Whether `group` has committed everything now on `topic`. */
  const caughtUp = async ({ group, topic }: { group: string; topic: string }): Promise<boolean> => {
    const [ends, [committed]] = await Promise.all([highs(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
    const done = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
    return [...ends].every(([p, high]) => high === 0 || done.get(p) === high);
  };

  it('writes every flow\'s vector exactly once, as the embedded runtime computes it, when killed in the middle of its input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-features-kill-'));
    const capture = writeCapture(join(dir, 'capture.pcap'), withHostsOfItsOwn(await framesAtReplayTime(CAPTURE)).frames);
    const embedded = await analyzeCapture(capture);
    const expected = new Map(embedded.features.map((v) => [v.flow_uid, v]));
    const env = { IDS_INSTANCE_ID: `features-kill-${Date.now()}` };

    // This capture's flows all on ids.flows.v1 first, so the features stage's progress is measurable.
    const flowsBefore = await highs(TOPICS.flows.name);
    const flows = startApp('flows', env);
    apps.push(flows);
    const writer = startApp('capture', { ...env, IDS_CAPTURE_FILE: capture });
    expect(await writer.exited).toBe(0);
    await eventually(() => caughtUp({ group: 'ids-flows', topic: TOPICS.packets.name }), (v) => v, 120_000, `the flows stage to commit the capture (flows app: ${flows.output().slice(-400)})`);
    const flowsAfter = await highs(TOPICS.flows.name);
    const total = [...flowsAfter].reduce((n, [p, high]) => n + high - (flowsBefore.get(p) ?? 0), 0);
    const progress = async (): Promise<number> => {
      const [committed] = await admin.fetchOffsets({ groupId: 'ids-features', topics: [TOPICS.flows.name] });
      return committed.partitions.reduce((n, c) => {
        const from = flowsBefore.get(c.partition) ?? 0;
        return n + Math.min(Math.max(Number(c.offset) - from, 0), (flowsAfter.get(c.partition) ?? 0) - from);
      }, 0);
    };

    const first = startApp('features', env);
    apps.push(first);
    const running = (app: typeof first) => async (): Promise<number> => {
      if (app.child.exitCode !== null) throw new Error(`the features app exited with ${app.child.exitCode}: ${app.output().slice(-600)}`);
      return progress();
    };
    await eventually(running(first), (n) => n >= total / 4, 120_000, `the features stage to commit a quarter of ${total} flow records (features app: ${first.output().slice(-400)})`);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await progress()).toBeLessThan(total);

    const second = startApp('features', env);
    apps.push(second);

    // Every vector on ids.features.v1 for this capture's flows, read as any committed reader reads them.
    const got: FeatureVectorRecord[] = [];
    const distinct = new Set<string>();
    let lastRecordAt = Date.now();
    const consumer = kafka.consumer({ groupId: `features-restart-reader-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.features.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        lastRecordAt = Date.now();
        const v = (await serdes.decodeValue(TOPICS.features.name, message.value)) as FeatureVectorRecord | null;
        if (v && expected.has(v.flow_uid)) {
          got.push(v);
          distinct.add(v.flow_uid);
        }
      },
    });
    try {
      await eventually(async () => { await running(second)(); return distinct.size; }, (n) => n >= expected.size, 240_000, `${expected.size} vectors on ${TOPICS.features.name} (features app: ${second.output().slice(-400)})`);
      // Then the stage at rest (its three groups' offsets still for 5 s: a partition may end in
      // transaction markers or an aborted transaction's records, so "offset = end" is no test)
      // and the reader too, so that a vector written twice would have been read twice.
      let last = '';
      await eventually(async () => {
        const now = JSON.stringify(await Promise.all(GROUPS.map((g) => admin.fetchOffsets({ groupId: g.group, topics: [g.topic] }))));
        const still = now === last;
        last = now;
        if (!still) await new Promise((r) => setTimeout(r, 5_000));
        return still && Date.now() - lastRecordAt > 3_000;
      }, (v) => v, 120_000, 'the features stage and the reader to come to rest');
    } finally {
      await consumer.disconnect();
    }
    const counts = new Map<string, number>();
    for (const v of got) counts.set(v.flow_uid, (counts.get(v.flow_uid) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([uid]) => uid);
    const differing = got.filter((v) => JSON.stringify(v.values) !== JSON.stringify(expected.get(v.flow_uid)!.values)).map((v) => v.flow_uid);
    expect({ vectors: counts.size, duplicated: duplicated.slice(0, 5), differing: differing.slice(0, 5) })
      .toEqual({ vectors: expected.size, duplicated: [], differing: [] });
  }, 600_000);
});
