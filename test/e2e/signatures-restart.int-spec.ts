import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS, type SignatureHitRecord } from '@ids/contracts';
import type { PcapWriteFrame } from '@ids/pcap';
import { parseRuleFile } from '@ids/rules';
import { TopicSerdes } from '@ids/serdes';
import { analyzeCapture } from '@ids/stages';
import { ETHERTYPE_IPV4, TCP, ethernetFrame, tcpPacket } from '../fixtures/frame.builder';
import { replayStartUs, writeCapture } from './replay-time';
import { eventually, registryTopicsExist, startApp, stopApp } from './stack-processes';

// The signatures stage SIGKILLed in the middle of a TCP stream whose request is split across two
// segments, one on each side of the kill: the rule (flow:established, a content spanning both
// segments) matches only on the reassembled stream of a connection whose handshake was seen. The
// restarted stage must rebuild that stream by replaying the packets before its commit, and write
// the alert exactly once. Without the replay it would see the second segment mid-stream and stay
// silent, as the embedded runtime does on the second half alone (checked below).
const SID = 9_990_001;
const RULE = `alert tcp any any -> any 80 (msg:"split request"; flow:established,to_server; content:"/cgi-bin/split-test.cgi"; sid:${SID}; rev:1;)`;

/** A client's handshake and a request in two segments; `cut` frames go into the first file. */
function splitRequest(startUs: number, octet: number): { frames: PcapWriteFrame[]; cut: number; client: string } {
  const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
  const client = `10.${octet}.0.1`;
  const server = `10.${octet}.0.10`;
  const up = { src: client, dst: server };
  const down = { src: server, dst: client };
  const c = 1_000;
  const s = 5_000;
  const [one, two] = [Buffer.from('GET /cgi-bin/spl'), Buffer.from('it-test.cgi HTTP/1.1\r\nHost: lab\r\n\r\n')];
  const packets = [
    tcpPacket(up, { srcPort: 40_000, dstPort: 80, seq: c, ack: 0, flags: TCP.SYN }),
    tcpPacket(down, { srcPort: 80, dstPort: 40_000, seq: s, ack: c + 1, flags: TCP.SYN | TCP.ACK }),
    tcpPacket(up, { srcPort: 40_000, dstPort: 80, seq: c + 1, ack: s + 1, flags: TCP.ACK }),
    tcpPacket(up, { srcPort: 40_000, dstPort: 80, seq: c + 1, ack: s + 1, flags: TCP.PSH | TCP.ACK }, one),
    tcpPacket(down, { srcPort: 80, dstPort: 40_000, seq: s + 1, ack: c + 1 + one.length, flags: TCP.ACK }),
    // the kill comes here
    tcpPacket(up, { srcPort: 40_000, dstPort: 80, seq: c + 1 + one.length, ack: s + 1, flags: TCP.PSH | TCP.ACK }, two),
    tcpPacket(down, { srcPort: 80, dstPort: 40_000, seq: s + 1, ack: c + 1 + one.length + two.length, flags: TCP.ACK }),
  ];
  const frames = packets.map((p, i) => {
    const data = ethernetFrame(eth, ETHERTYPE_IPV4, p);
    return { tsUs: startUs + i * 1_000, data, originalLength: data.length };
  });
  return { frames, cut: 5, client };
}

describe('signatures stage restart', () => {
  const kafka = new Kafka({ clientId: 'signatures-restart-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const serdes = TopicSerdes.connect('http://127.0.0.1:8081');
  const apps: ReturnType<typeof startApp>[] = [];

  beforeAll(async () => { await admin.connect(); await registryTopicsExist(admin); });
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await admin.disconnect();
  }, 60_000);

  const caughtUp = async (): Promise<boolean> => {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(TOPICS.packets.name), admin.fetchOffsets({ groupId: 'ids-signatures', topics: [TOPICS.packets.name] })]);
    const done = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.every((e) => Number(e.high) === 0 || done.get(e.partition) === Number(e.high));
  };

  it('rebuilds a stream cut by the kill and alerts on it exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-signatures-kill-'));
    const rules = join(dir, 'split.rules');
    writeFileSync(rules, `${RULE}\n`);
    const { frames, cut, client } = splitRequest(replayStartUs(10_000), 100 + (Math.floor(Date.now() / 60_000) % 100));
    const [whole, first, second] = [writeCapture(join(dir, 'whole.pcap'), frames), writeCapture(join(dir, 'part-1.pcap'), frames.slice(0, cut)), writeCapture(join(dir, 'part-2.pcap'), frames.slice(cut))];
    const signatureRules = parseRuleFile(RULE, { file: rules }).rules;
    const alertsOf = async (file: string) => (await analyzeCapture(file, { signatureRules })).alerts.filter((a) => a.alert.signature_id === SID).length;
    // the oracle: one alert on the whole stream, none on its second half picked up mid-stream
    expect({ whole: await alertsOf(whole), secondHalfAlone: await alertsOf(second) }).toEqual({ whole: 1, secondHalfAlone: 0 });

    const hitsBefore = new Map((await admin.fetchTopicOffsets(TOPICS.signatureHits.name)).map((p) => [p.partition, Number(p.high)]));
    const env = { IDS_INSTANCE_ID: `signatures-kill-${Date.now()}`, IDS_RULES_PATH: rules };
    const before = startApp('signatures', env);
    apps.push(before);
    const part1 = startApp('capture', { ...env, IDS_CAPTURE_FILE: first, IDS_CAPTURE_END_OF_INPUT: 'false' });
    expect(await part1.exited).toBe(0);
    await eventually(caughtUp, (v) => v, 90_000, `the signatures stage to commit the first file (signatures app: ${before.output().slice(-400)})`);
    before.child.kill('SIGKILL');
    await before.exited;

    // the default replay horizon (120 s of event time) covers this stream's few milliseconds
    const after = startApp('signatures', { ...env, IDS_LOG_LEVEL: 'info' });
    apps.push(after);
    const part2 = startApp('capture', { ...env, IDS_CAPTURE_FILE: second });
    expect(await part2.exited).toBe(0);

    const hits: SignatureHitRecord[] = [];
    const consumer = kafka.consumer({ groupId: `signatures-restart-reader-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.signatureHits.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (Number(message.offset) < (hitsBefore.get(partition) ?? 0)) return;
        const hit = (await serdes.decodeValue(TOPICS.signatureHits.name, message.value)) as SignatureHitRecord | null;
        if (hit && hit.sid === SID && hit.src_ip === client) hits.push(hit);
      },
    });
    try {
      await eventually(async () => {
        if (after.child.exitCode !== null) throw new Error(`the restarted signatures app exited with ${after.child.exitCode}: ${after.output().slice(-600)}`);
        return hits.length;
      }, (n) => n >= 1, 90_000, `the split request's hit on ${TOPICS.signatureHits.name} (signatures app: ${after.output().slice(-600)})`);
      await eventually(caughtUp, (v) => v, 60_000, 'the restarted signatures stage to commit the second file');
      // a hit written twice would come within these seconds
      await new Promise((r) => setTimeout(r, 5_000));
    } finally {
      await consumer.disconnect();
    }
    expect(hits.map((h) => ({ sid: h.sid, dest_port: h.dest_port }))).toEqual([{ sid: SID, dest_port: 80 }]);
    expect(after.output()).toContain('rebuilt in-memory state by replaying input');
  }, 300_000);
});
