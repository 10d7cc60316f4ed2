import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { TOPICS, type DeadLetterRecord } from '@ids/contracts';
import { TopicSerdes } from '@ids/serdes';
import { eventually, startApp, stopApp } from './stack-processes';

// A poison record (bytes that are not Confluent-framed Avro) on ids.packets.v1: the flows stage
// sends it to ids.dlq.v1 with the reason and the original bytes, commits past it, and goes on.
describe('dead letters on the Kafka runtime', () => {
  const kafka = new Kafka({ clientId: 'dlq-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const serdes = TopicSerdes.connect('http://127.0.0.1:8081');
  const apps: Parameters<typeof stopApp>[0][] = [];

  beforeAll(() => producer.connect());
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await producer.disconnect();
  }, 60_000);

  it('routes an undecodable packet record to ids.dlq.v1 with the reason', async () => {
    const flows = startApp('flows', { IDS_INSTANCE_ID: `dlq-${Date.now()}`, IDS_LOG_LEVEL: 'info' });
    apps.push(flows);
    // The app creates the topics at start: on a fresh cluster there is no packets topic before.
    await eventually(async () => flows.output(), (o) => o.includes('"msg":"stage running"') || flows.child.exitCode !== null, 90_000, 'the flows app to run');
    expect(flows.child.exitCode).toBeNull();
    const marker = `poison-${Date.now()}`;
    const [sent] = await producer.send({ topic: TOPICS.packets.name, messages: [{ partition: 0, key: marker, value: Buffer.from('definitely not avro') }] });

    const consumer = kafka.consumer({ groupId: `dlq-reader-${marker}` });
    const letters: DeadLetterRecord[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.dlq.name], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { letters.push((await serdes.decodeValue(TOPICS.dlq.name, message.value)) as DeadLetterRecord); } });
    try {
      const found = await eventually(async () => letters.find((l) => l.key?.toString() === marker), (l) => l !== undefined, 60_000, `a dead letter for ${marker} (flows app: ${flows.output().slice(-400)})`);
      expect({ ...found!, ts_us: 0, key: found!.key?.toString(), value: found!.value?.toString() }).toEqual({
        ts_us: 0, stage: 'ids-flows', source_topic: TOPICS.packets.name, source_partition: 0, source_offset: Number(sent.baseOffset),
        error_code: 'RECORD_DECODE_FAILED', reason: expect.stringContaining('ids.packets.v1: cannot decode 19 bytes'),
        key: marker, value: 'definitely not avro',
      });
      // The failure and how far behind the stage is are on its metrics endpoint.
      const url = /health and metrics on (\S+)\/health/.exec(flows.output())?.[1];
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^ids_records_failed_total\{stage="ids-flows",reason="RECORD_DECODE_FAILED"\} [1-9]/m);
      expect(metrics).toMatch(/^ids_consumer_lag\{stage="ids-flows",topic="ids.packets.v1",partition="0"\} \d+$/m);
      // a dead-lettered record is not a failure of the stage: it stays healthy for probes
      const health = await fetch(`${url}/health`);
      expect({ code: health.status, body: await health.json() }).toMatchObject({ code: 200, body: { stage: 'flows', status: 'running', crashed: [] } });
    } finally {
      await consumer.disconnect();
    }
  }, 120_000);
});
