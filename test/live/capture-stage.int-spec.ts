import { createSocket, type Socket } from 'node:dgram';
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS, type PacketRecord } from '@ids/contracts';
import { TopicSerdes } from '@ids/serdes';
import { eventually, startApp, stopApp } from '../e2e/stack-processes';

// The capture app on live traffic: IDS_CAPTURE_INTERFACE=lo with a BPF filter for one UDP port
// of this run (traffic to 127.0.0.1 only). The frames land in ids.packets.v1 as Avro packet
// records (wall-clock timestamps), a quiet link still gets watermarks from the clock, the
// statistics are on /metrics, and SIGTERM stops the app with
// a last watermark but no end-of-input (live traffic does not end; flows keep their timeouts).
const DATAGRAMS = 12;
const PAYLOAD = 300; // frame on lo: 14 + 20 + 8 + 300 = 342 bytes

interface Seen { record: PacketRecord | null; control?: string; watermarkUs?: number }

describe('capture app, live from an interface', () => {
  const kafka = new Kafka({ clientId: 'live-capture-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const serdes = TopicSerdes.connect('http://127.0.0.1:8081');
  const instance = `live-${Date.now()}`;
  const sockets: Socket[] = [];
  let app: ReturnType<typeof startApp> | undefined;

  afterAll(async () => {
    if (app) await stopApp(app);
    for (const s of sockets) s.close();
  }, 60_000);

  it('writes the captured frames to ids.packets.v1, exports its statistics, and stops without end-of-input', async () => {
    const sink = createSocket('udp4');
    const sender = createSocket('udp4');
    sockets.push(sink, sender);
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    const port = sink.address().port;

    const admin = kafka.admin();
    await admin.connect();
    const startOffsets = await admin.fetchTopicOffsets(TOPICS.packets.name).catch(() => []);
    await admin.disconnect();

    const startedUs = Date.now() * 1000;
    app = startApp('capture', { IDS_CAPTURE_INTERFACE: 'lo', IDS_CAPTURE_FILTER: `udp and dst port ${port}`, IDS_INSTANCE_ID: instance, IDS_LOG_LEVEL: 'info' });
    const running = app;
    // Both lines: the stage starts capturing while Nest initialises, before its HTTP server listens.
    await eventually(async () => running.output(), (o) => (o.includes('live capture started') && o.includes('health and metrics on')) || running.child.exitCode !== null, 60_000, 'the capture app to start');
    expect(running.child.exitCode).toBeNull();
    const metricsUrl = /health and metrics on (\S+)\/health/.exec(running.output())?.[1];
    expect(metricsUrl).toBeDefined();

    for (let i = 0; i < DATAGRAMS; i++) {
      await new Promise<void>((resolve, reject) => sender.send(Buffer.alloc(PAYLOAD, i), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    }

    const metric = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}"=]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const metrics = await eventually(async () => (await fetch(`${metricsUrl}/metrics`)).text(), (t) => metric(t, 'ids_capture_received_total') === DATAGRAMS, 30_000, `ids_capture_received_total ${DATAGRAMS}`);
    expect(metric(metrics, 'ids_capture_dropped_total{by="queue"}')).toBe(0);
    expect(metric(metrics, 'ids_capture_dropped_total{by="interface"}')).toBe(0);
    expect(metric(metrics, 'ids_capture_dropped_total{by="kernel"}')).toBe(0);
    expect(metric(metrics, 'ids_capture_truncated_total')).toBe(0);

    // Read back what this run wrote (from the offsets before it started).
    const seen: Seen[] = [];
    const consumer = kafka.consumer({ groupId: `live-capture-reader-${instance}` });
    await consumer.connect();
    // From the beginning: on a fresh cluster the topic did not exist when the start offsets were
    // taken (the capture app creates it), and a new group would otherwise start at the end.
    await consumer.subscribe({ topics: [TOPICS.packets.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const control = message.headers?.['ids-control']?.toString();
        if (control) seen.push({ record: null, control, watermarkUs: Number(message.headers?.['ids-watermark-us']?.toString()) });
        else if (message.value) seen.push({ record: (await serdes.decodeValue(TOPICS.packets.name, message.value)) as PacketRecord });
      },
    });
    for (const p of startOffsets) consumer.seek({ topic: TOPICS.packets.name, partition: p.partition, offset: p.offset });
    try {
      const ours = () => seen.filter((s) => s.record?.capture_id === `lo@${instance}`).map((s) => s.record!);
      // Written while the capture runs: the writer does not wait for a full batch.
      await eventually(async () => ours().length, (n) => n === DATAGRAMS, 30_000, `${DATAGRAMS} packet records of lo@${instance}`);

      // Then the link is quiet (the filter lets nothing else in), yet event time moves on with the
      // capture's clock, so flows on a quiet link still time out.
      const lastUs = Math.max(...ours().map((r) => Number(r.ts_us)));
      await eventually(async () => seen.filter((s) => s.control === 'watermark' && s.watermarkUs! > lastUs + 1_000_000 && s.watermarkUs! <= Date.now() * 1000).length,
        (n) => n >= TOPICS.packets.partitions, 30_000, 'watermarks from the clock while the link is quiet');
      expect(ours()).toHaveLength(DATAGRAMS);

      await stopApp(running);
      expect(running.output()).toMatch(/live capture stopped/);
      const stoppedUs = Date.now() * 1000;
      // The last watermark written at stop, from this capture's wall-clock time.
      await eventually(async () => seen.filter((s) => s.control === 'watermark' && s.watermarkUs! >= startedUs && s.watermarkUs! <= stoppedUs).length, (n) => n >= TOPICS.packets.partitions, 30_000, 'the watermarks written at stop');

      const records = ours().sort((a, b) => Number(a.seq) - Number(b.seq));
      expect(records.map((r) => Number(r.seq))).toEqual([...Array(DATAGRAMS).keys()]);
      for (const [i, r] of records.entries()) {
        expect({ interface: r.interface, link_type: r.link_type, original_length: r.original_length, length: r.data.length, payloadByte: r.data[42] })
          .toEqual({ interface: 'lo', link_type: 1, original_length: 342, length: 342, payloadByte: i });
        expect(Number(r.ts_us)).toBeGreaterThanOrEqual(startedUs);
        expect(Number(r.ts_us)).toBeLessThanOrEqual(stoppedUs);
      }
      expect(seen.filter((s) => s.control === 'end-of-input' && s.watermarkUs! >= startedUs)).toEqual([]);
    } finally {
      await consumer.disconnect();
    }
  }, 180_000);
});
