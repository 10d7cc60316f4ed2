import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { repoRoot, TOPICS, type PacketRecord } from '@ids/contracts';
import { applyTopics, fromSpec } from '@ids/kafka';
import { PcapFileReader } from '@ids/pcap';
import { TopicSerdes } from '@ids/serdes';
import { flowKeyOfFrame } from '@ids/stages';
import { eventually, registryTopicsExist, startApp, stopApp } from './stack-processes';

// The capture app replaying a topic (IDS_CAPTURE_TOPIC): an "archive" topic of 3 partitions holds
// the skeleton capture's packet records, keyed by flow as the capture writes them, plus an
// event-time marker and a record that is not a packet record. The replay must write every frame
// into ids.packets.v1 once, in time order across the archive's partitions (seq follows time),
// skip and name the bad record, and end the round of its capture id in every partition.
const CAPTURE = join(repoRoot(), 'test/cases/skeleton/capture.pcap');

describe('capture app replaying a topic of packet records', () => {
  const kafka = new Kafka({ clientId: 'topic-replay-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const serdes = TopicSerdes.connect('http://127.0.0.1:8081');
  const apps: ReturnType<typeof startApp>[] = [];
  const admin = kafka.admin();

  beforeAll(async () => { await admin.connect(); await registryTopicsExist(admin); });
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await admin.disconnect();
  }, 60_000);

  it('writes every frame once, in time order, skips what is not a packet record, and ends its round', async () => {
    const stamp = Date.now();
    const archive = `ids-e2e-archive-${stamp}`;
    const instance = `replay-${stamp}`;
    await applyTopics(admin, [fromSpec(TOPICS.packets), { name: archive, partitions: 3, cleanupPolicy: 'delete', retentionMs: 3_600_000 }]);
    await serdes.register([TOPICS.packets]);

    const frames: { tsUs: number; data: Buffer; linkType: number; originalLength: number }[] = [];
    for await (const f of new PcapFileReader(CAPTURE)) frames.push({ tsUs: f.tsUs, data: Buffer.from(f.data), linkType: f.linkType, originalLength: f.originalLength });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const messages = await Promise.all(frames.map(async (f, seq) => {
        const record: PacketRecord = { ts_us: f.tsUs, capture_id: 'archived', seq, interface: 'eth0', link_type: f.linkType, original_length: f.originalLength, data: f.data };
        return { key: flowKeyOfFrame(f) ?? 'unkeyed', value: await serdes.encodeValue(TOPICS.packets.name, record) };
      }));
      await producer.send({ topic: archive, messages });
      await producer.send({ topic: archive, messages: [
        { partition: 0, key: null, value: null, headers: { 'ids-control': 'watermark', 'ids-watermark-us': String(frames[frames.length - 1].tsUs) } },
        { partition: 1, key: 'junk', value: Buffer.from('not a packet record') },
      ] });
    } finally {
      await producer.disconnect();
    }
    const partitionsUsed = new Set((await admin.fetchTopicOffsets(archive)).filter((o) => Number(o.high) > 0).map((o) => o.partition));
    expect(partitionsUsed.size).toBe(3); // the merge has something to do

    const startOffsets = await admin.fetchTopicOffsets(TOPICS.packets.name);
    const app = startApp('capture', { IDS_CAPTURE_TOPIC: archive, IDS_INSTANCE_ID: instance, IDS_LOG_LEVEL: 'info' });
    apps.push(app);
    const code = await app.exited;
    expect({ code, output: code === 0 ? '' : app.output() }).toEqual({ code: 0, output: '' });
    const summary = JSON.parse(app.output().split('\n').find((l) => l.includes('"msg":"capture replayed"'))!) as { frames: number; skippedRecords: number; firstSkipped: { partition: number; reason: string }[] };
    expect({ frames: summary.frames, skipped: summary.skippedRecords, where: summary.firstSkipped[0].partition }).toEqual({ frames: frames.length, skipped: 1, where: 1 });
    expect(summary.firstSkipped[0].reason).toContain('ids-e2e-archive');

    const captureId = `topic:${archive}@${instance}`;
    const seen: PacketRecord[] = [];
    const rounds: string[] = [];
    const consumer = kafka.consumer({ groupId: `topic-replay-reader-${stamp}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.packets.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const round = message.headers?.['ids-round']?.toString();
        if (round) rounds.push(round);
        else if (message.value) {
          const r = (await serdes.decodeValue(TOPICS.packets.name, message.value)) as PacketRecord;
          if (r.capture_id === captureId) seen.push(r);
        }
      },
    });
    for (const p of startOffsets) consumer.seek({ topic: TOPICS.packets.name, partition: p.partition, offset: p.offset });
    try {
      await eventually(async () => [seen.length, rounds.filter((r) => r === captureId).length], ([n, r]) => n === frames.length && r === TOPICS.packets.partitions, 60_000, `${frames.length} packet records and ${TOPICS.packets.partitions} end-of-input markers of ${captureId}`);
    } finally {
      await consumer.disconnect();
    }
    const bySeq = [...seen].sort((a, b) => Number(a.seq) - Number(b.seq));
    expect(bySeq.map((r) => Number(r.seq))).toEqual([...frames.keys()]);
    const times = bySeq.map((r) => Number(r.ts_us));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const asText = (xs: { ts: number; data: Buffer }[]) => xs.map((x) => `${x.ts} ${x.data.toString('hex')}`).sort();
    expect(asText(bySeq.map((r) => ({ ts: Number(r.ts_us), data: r.data })))).toEqual(asText(frames.map((f) => ({ ts: f.tsUs, data: f.data }))));
  }, 180_000);
});
