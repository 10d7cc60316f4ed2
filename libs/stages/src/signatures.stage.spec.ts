import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, TOPICS, type PacketRecord, type SignatureHitRecord } from '@ids/contracts';
import { flowNumericId } from '@ids/flow';
import { parseRuleFile } from '@ids/rules';
import { EmbeddedRuntime, InMemoryLog, StreamTask, endOfInput, partitionForKey, watermark } from '@ids/topology';
import { ETHERTYPE_IPV4, ethernetFrame, udpPacket } from '../../../test/fixtures/frame.builder';
import { flowKeyOfFrame } from './frame-key';
import { SignatureRulesUnreadableError, THRESHOLD_WINDOWS_STORE, fixedRuleSource, formatRuleError, loadSignatureRules, signaturesTopology } from './signatures.stage';

const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const RULES = 'alert udp any any -> any 53 (msg:"m"; content:"evil"; detection_filter:track by_src, count 1, seconds 60; sid:1; rev:3;)';

function driver() {
  const { rules } = parseRuleFile(RULES, { file: 't.rules' });
  const log = new InMemoryLog();
  for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
  const runtime = new EmbeddedRuntime(log, signaturesTopology(fixedRuleSource(rules)));
  runtime.start();
  let seq = 0;
  const send = (tsUs: number, payload: string, data?: Buffer) => {
    const frame = data ?? ethernetFrame(eth, ETHERTYPE_IPV4, udpPacket({ src: '203.0.113.1', dst: '10.0.0.2' }, { srcPort: 5000, dstPort: 53 }, Buffer.from(payload)));
    const key = flowKeyOfFrame({ tsUs, originalLength: frame.length, linkType: 1, data: frame });
    const value: PacketRecord = { ts_us: tsUs, capture_id: 't', seq: seq++, interface: 't', link_type: 1, original_length: frame.length, data: frame };
    log.append(TOPICS.packets.name, key === null ? 0 : partitionForKey(key, TOPICS.packets.partitions), { key, value, timestampUs: tsUs });
  };
  const hits = () => Array.from({ length: TOPICS.signatureHits.partitions }, (_, p) => log.read(TOPICS.signatureHits.name, p, 0, 1e6))
    .flat().map((r) => r.record).filter((r) => !r.control);
  const end = (tsUs: number) => { for (let p = 0; p < TOPICS.packets.partitions; p++) log.append(TOPICS.packets.name, p, endOfInput(tsUs)); };
  return { send, hits, end, run: () => runtime.runUntilIdle() };
}

describe('signatures stage', () => {
  it('shouldForwardOneHitPerAlertKeyedByFlowAtThePacketTime', async () => {
    const d = driver();
    d.send(1000, 'evil');
    d.send(2000, 'good');
    d.send(3000, 'evil');
    await d.run();
    // A detection_filter match waits for the watermark (it is counted where every match of its source arrives).
    expect(d.hits()).toEqual([]);
    d.end(3000);
    await d.run();
    const key = '17/0/10.0.0.2/53/203.0.113.1/5000';
    const hits = d.hits();
    expect(hits.map((r) => [r.key, r.timestampUs])).toEqual([[key, 3000]]);
    expect(hits[0].value as SignatureHitRecord).toMatchObject({ sid: 1, rev: 3, flow_id: flowNumericId(key, 1000), src_ip: '203.0.113.1', dest_port: 53, proto: 'UDP' });
  });

  it('shouldSkipFramesThatDoNotDecode', async () => {
    const d = driver();
    d.send(1000, '', Buffer.alloc(10));
    await d.run();
    expect(d.hits()).toEqual([]);
  });
});

describe('signatures thresholds task restarted from its changelog', () => {
  // detection_filter count 2 per 60 s by source: the 3rd match of a source within a minute alerts
  const { rules } = parseRuleFile('alert udp any any -> any 53 (msg:"m"; content:"x"; detection_filter:track by_src, count 2, seconds 60; sid:7; rev:1;)', { file: 't.rules' });
  const thresholds = signaturesTopology(fixedRuleSource(rules))[1];
  const hit = (tsUs: number) => ({ key: '203.0.113.1', value: { ts_us: tsUs, flow_key: 'f', gid: 1, sid: 7, rev: 1, src_ip: '203.0.113.1', src_port: 5000, dest_ip: '10.0.0.2', dest_port: 53 } as SignatureHitRecord, timestampUs: tsUs });
  const alerts = (out: Awaited<ReturnType<StreamTask['flush']>>) => out.records.filter((r) => !r.control).map((r) => r.timestampUs);

  it.each([
    { restore: true, alerts: [3_000_000] },
    { restore: false, alerts: [] },
  ])('counts on after a restart only with its windows restored (restore $restore)', async ({ restore, alerts: expected }) => {
    const first = new StreamTask(thresholds, 0, 1);
    first.process(TOPICS.signaturesByTrack.name, hit(1_000_000));
    first.process(TOPICS.signaturesByTrack.name, hit(2_000_000));
    first.process(TOPICS.signaturesByTrack.name, watermark(2_500_000, { id: 'ids-signatures-0', count: 1 }));
    const committed = await first.flush();
    expect(alerts(committed)).toEqual([]);
    expect(committed.changelog.filter((c) => c.topic.endsWith(`-${THRESHOLD_WINDOWS_STORE}-changelog`)).map((c) => [c.key, JSON.parse(c.value!)]))
      .toEqual([['1:7:detection_filter:203.0.113.1', { windowStartUs: 1_000_000, count: 2, seconds: 60 }]]);

    const second = new StreamTask(thresholds, 0, 1);
    if (restore) for (const c of committed.changelog) second.restore(c.topic.slice(`${thresholds.applicationId}-`.length, -'-changelog'.length), c.key, c.value);
    second.process(TOPICS.signaturesByTrack.name, hit(3_000_000));
    second.process(TOPICS.signaturesByTrack.name, watermark(3_500_000, { id: 'ids-signatures-0', count: 1 }));
    expect(alerts(await second.flush())).toEqual(expected);
  });

  it('a window it cannot read is counted and dropped; the address counts afresh', async () => {
    const task = new StreamTask(thresholds, 0, 1);
    task.restore(THRESHOLD_WINDOWS_STORE, '1:7:detection_filter:203.0.113.1', JSON.stringify({ windowStartUs: 'soon' }));
    task.process(TOPICS.signaturesByTrack.name, hit(3_000_000));
    task.process(TOPICS.signaturesByTrack.name, watermark(3_500_000, { id: 'ids-signatures-0', count: 1 }));
    const out = await task.flush();
    expect(task.counters.get('threshold-window-invalid')).toBe(1);
    expect(out.changelog.filter((c) => c.topic.endsWith(`-${THRESHOLD_WINDOWS_STORE}-changelog`)).map((c) => [c.key, JSON.parse(c.value!)]))
      .toEqual([['1:7:detection_filter:203.0.113.1', { windowStartUs: 3_000_000, count: 1, seconds: 60 }]]);
  });
});

describe('loadSignatureRules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ids-rules-'));
  writeFileSync(join(dir, 'b.rules'), 'alert udp any any -> any any (msg:"b"; sid:2;)\nalert udp any any -> any any (msg:"dup"; sid:1;)\n');
  writeFileSync(join(dir, 'a.rules'), 'alert udp any any -> any any (msg:"a"; sid:1;)\n\nalert udp any any -> any any (msg:"bad"; bogus; sid:3;)\n');
  writeFileSync(join(dir, 'notes.txt'), 'not rules');
  mkdirSync(join(dir, 'sub.rules.d'));

  it('reads every *.rules of a directory in name order; bad and duplicate rules are reported and skipped', () => {
    const loaded = loadSignatureRules(dir);
    expect(loaded.files).toEqual([join(dir, 'a.rules'), join(dir, 'b.rules')]);
    expect(loaded.rules.map((r) => r.sid)).toEqual([1, 2]);
    expect(loaded.errors.map(formatRuleError)).toEqual([
      `${join(dir, 'a.rules')}:3: sid 3: unsupported keyword 'bogus'`,
      `${join(dir, 'b.rules')}:2: sid 1: duplicate sid 1:1, first at a.rules:1`,
    ]);
  });

  it('reads one file', () => {
    expect(loadSignatureRules(join(dir, 'b.rules')).rules.map((r) => r.sid)).toEqual([2, 1]);
  });

  it('throws SignatureRulesUnreadableError for a missing path', () => {
    expect(() => loadSignatureRules(join(dir, 'missing.rules'))).toThrow(SignatureRulesUnreadableError);
  });
});
