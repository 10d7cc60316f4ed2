import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { TOPICS, type SignatureHitRecord } from '@ids/contracts';
import { encodePcap } from '@ids/pcap';
import { TopicSerdes } from '@ids/serdes';
import { ETHERTYPE_IPV4, ethernetFrame, udpPacket } from '../fixtures/frame.builder';
import { eventually, startApp, stopApp } from './stack-processes';

// Rule hot reload on the Kafka runtime: the signatures app runs with a rules directory holding
// rule A; a capture gives hits of A only. Rule B is added and the app gets SIGHUP: the next
// capture gives hits of A and B, without a restart. Then the file is broken (A no longer parses)
// and SIGHUP again: the app stays up, logs the rejected reload, and the next capture still gives
// hits of A and B (the previous set). Each capture has its own time span (other tests share the
// topics), and the next step waits until every packet of the capture before has its hits, so
// no packet of one capture can be inspected with the next rule set.
//
// Needs the stage apps not to shut down on SIGHUP: bootstrapStage must enable Nest's shutdown
// hooks for SIGTERM and SIGINT only (Nest's default list includes SIGHUP).
const SID_A = 9_901_001;
const SID_B = 9_901_002;
const RULE_A = `alert udp any any -> any 9999 (msg:"reload test A"; content:"ids-reload-alpha"; sid:${SID_A}; rev:1;)`;
const RULE_B = `alert udp any any -> any 9999 (msg:"reload test B"; content:"ids-reload-beta"; sid:${SID_B}; rev:1;)`;
const BROKEN_A = `alert udp any any -> any 9999 (msg:"reload test A"; content:"ids-reload-alpha"; no_such_keyword; sid:${SID_A}; rev:2;)`;
const PACKETS = 5;
const STEP_US = 60_000_000;

describe('signature rules hot reload on the Kafka runtime', () => {
  const kafka = new Kafka({ clientId: 'rules-reload-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const serdes = TopicSerdes.connect('http://127.0.0.1:8081');
  const apps: ReturnType<typeof startApp>[] = [];
  let consumer: Consumer | undefined;

  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await consumer?.disconnect();
  }, 60_000);

  it('applies an added rule on SIGHUP, and keeps the previous set when the file is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-rules-reload-'));
    const rulesFile = join(dir, 'local.rules');
    writeFileSync(rulesFile, `${RULE_A}\n`);
    const startUs = Date.now() * 1000;
    const spanOf = (step: number) => ({ from: startUs + step * STEP_US, to: startUs + step * STEP_US + PACKETS * 1000 });

    const signatures = startApp('signatures', { IDS_RULES_PATH: dir, IDS_LOG_LEVEL: 'info', IDS_INSTANCE_ID: `rules-reload-${startUs}` });
    apps.push(signatures);
    await eventually(async () => signatures.output(), (o) => o.includes('"msg":"stage running"') || signatures.child.exitCode !== null, 90_000, 'the signatures app to run');
    expect(signatures.child.exitCode).toBeNull();
    const hits: SignatureHitRecord[] = [];
    // Subscribed once the app runs: it creates the topics at start, and on a fresh cluster the
    // hits topic does not exist before (from the beginning, so nothing written since is missed).
    consumer = kafka.consumer({ groupId: `rules-reload-reader-${startUs}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.signatureHits.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const hit = (await serdes.decodeValue(TOPICS.signatureHits.name, message.value)) as SignatureHitRecord | null;
        if (hit === null) return; // an event-time marker: a null value
        if ((hit.sid === SID_A || hit.sid === SID_B) && hit.ts_us >= startUs) hits.push(hit);
      },
    });
    const sidsIn = (step: number) => {
      const { from, to } = spanOf(step);
      const inSpan = hits.filter((h) => h.ts_us >= from && h.ts_us <= to);
      return { a: inSpan.filter((h) => h.sid === SID_A).length, b: inSpan.filter((h) => h.sid === SID_B).length };
    };

    const capture = async (step: number) => {
      const { from } = spanOf(step);
      const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
      const frames = Array.from({ length: PACKETS }, (_, i) => ({
        tsUs: from + i * 1000,
        data: ethernetFrame(eth, ETHERTYPE_IPV4, udpPacket({ src: '198.51.100.7', dst: '192.0.2.9' }, { srcPort: 40_000, dstPort: 9999 }, Buffer.from(`step ${step} packet ${i}: ids-reload-alpha ids-reload-beta`))),
      }));
      const file = join(dir, `capture-${step}.pcap`);
      writeFileSync(file, encodePcap(frames, { linkType: 1, snapLength: 262144 }));
      const app = startApp('capture', { IDS_CAPTURE_FILE: file, IDS_INSTANCE_ID: `rules-reload-capture-${startUs}-${step}` });
      apps.push(app);
      const code = await app.exited;
      expect({ step, code, output: code === 0 ? '' : app.output() }).toEqual({ step, code: 0, output: '' });
    };
    const logLines = (msg: string) => signatures.output().split('\n').filter((l) => l.includes(`"msg":"${msg}`));

    // 1: rule A only
    await capture(0);
    await eventually(async () => sidsIn(0), (s) => s.a >= PACKETS, 90_000, `${PACKETS} hits of sid ${SID_A} for the first capture (signatures app: ${signatures.output().slice(-600)})`);

    // 2: rule B added, SIGHUP: applied without a restart
    writeFileSync(rulesFile, `${RULE_A}\n${RULE_B}\n`);
    signatures.child.kill('SIGHUP');
    await eventually(async () => logLines('rules reloaded'), (l) => l.some((x) => x.includes('"version":2')), 30_000, `the reload to version 2 (signatures app: ${signatures.output().slice(-600)})`);
    await capture(1);
    await eventually(async () => sidsIn(1), (s) => s.a >= PACKETS && s.b >= PACKETS, 90_000, `hits of both rules for the second capture (signatures app: ${signatures.output().slice(-600)})`);

    // 3: rule A broken, SIGHUP: rejected, the app goes on with A and B
    writeFileSync(rulesFile, `${BROKEN_A}\n${RULE_B}\n`);
    signatures.child.kill('SIGHUP');
    await eventually(async () => logLines('rule reload rejected'), (l) => l.length > 0, 30_000, `the rejected reload (signatures app: ${signatures.output().slice(-600)})`);
    expect(logLines('rule reload error').join('\n')).toContain(`${rulesFile}:1: sid ${SID_A}:`);
    await capture(2);
    await eventually(async () => sidsIn(2), (s) => s.a >= PACKETS && s.b >= PACKETS, 90_000, `hits of the previous set for the third capture (signatures app: ${signatures.output().slice(-600)})`);

    expect(signatures.child.exitCode).toBeNull();
    // no packet inspected twice, none with the wrong set
    expect([sidsIn(0), sidsIn(1), sidsIn(2)]).toEqual([{ a: PACKETS, b: 0 }, { a: PACKETS, b: PACKETS }, { a: PACKETS, b: PACKETS }]);
  }, 420_000);
});
