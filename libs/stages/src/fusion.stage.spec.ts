import { toAlertRow } from '@ids/clickhouse';
import { ALL_TOPICS, TOPICS, type AlertRecord, type MlScoreRecord, type SignatureHitRecord } from '@ids/contracts';
import { mlSignatureId } from '@ids/fusion';
import { EmbeddedRuntime, InMemoryLog, endOfInput, partitionForKey, watermark, type StreamRecord } from '@ids/topology';
import { fusionTopology } from './fusion.stage';

// The fusion stage as a specification: hits and scores in, alerts out on ids.alerts.v1, on the
// embedded runtime with the stage's real topology.
const S = 1_000_000;
const T0 = 1_700_000_000 * S;

interface TestFlow { id: number; uid: string; key: string; startUs: number; endUs: number }

function testFlow(id: number, startS: number, endS: number): TestFlow {
  return { id, uid: `C${String(id).padStart(17, '0')}`, key: `6/0/10.0.0.${id}/${40000 + id}/10.0.0.200/80`, startUs: T0 + startS * S, endUs: T0 + endS * S };
}

function hit(f: TestFlow, atS: number, over: Partial<SignatureHitRecord> = {}): SignatureHitRecord {
  return {
    ts_us: T0 + atS * S, flow_id: f.id, flow_key: f.key, src_ip: `10.0.0.${f.id}`, src_port: 40000 + f.id, dest_ip: '10.0.0.200', dest_port: 80, proto: 'TCP',
    gid: 1, sid: 1000001, rev: 1, msg: 'SYN flood', classtype: 'attempted-dos', priority: 2, family: 'dos', label: 'syn-flood', ...over,
  };
}

function score(f: TestFlow, over: Partial<MlScoreRecord> = {}): MlScoreRecord {
  return {
    ts_us: f.startUs, flow_uid: f.uid, flow_id: f.id, model: 'flow-gbdt', model_version: '1.0.0', shadow: false,
    label: 'syn-flood', family: 'dos', confidence: 0.95, anomaly_score: null,
    src_ip: `10.0.0.${f.id}`, src_port: 40000 + f.id, dest_ip: '10.0.0.200', dest_port: 80, proto: 'tcp', ...over,
  };
}

const benign = (f: TestFlow) => score(f, { label: 'benign', family: 'benign', confidence: 0.98 });
const anomaly = (f: TestFlow, s: number) => score(f, { model: 'flow-iforest', label: s >= 0.5 ? 'anomaly' : 'benign', family: s >= 0.5 ? 'anomaly' : 'benign', confidence: s / (s + 0.5), anomaly_score: s });

function driver(log = new InMemoryLog(), maxBatch = 4096) {
  if (!log.hasTopic(TOPICS.alerts.name)) for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
  const runtime = new EmbeddedRuntime(log, [fusionTopology()], { maxBatch });
  runtime.start();
  const sendHit = (f: TestFlow, h: SignatureHitRecord) =>
    log.append(TOPICS.signatureHits.name, partitionForKey(f.key, TOPICS.signatureHits.partitions), { key: f.key, value: h, timestampUs: h.ts_us });
  // The inference stage writes a score at its flow's end (the feature vector's record time).
  const sendScore = (f: TestFlow, s: MlScoreRecord) =>
    log.append(TOPICS.mlScores.name, partitionForKey(f.key, TOPICS.mlScores.partitions), { key: f.key, value: s, timestampUs: f.endUs });
  const broadcast = (record: StreamRecord<null, null>) => {
    for (const topic of [TOPICS.signatureHits, TOPICS.mlScores]) for (let p = 0; p < topic.partitions; p++) log.append(topic.name, p, record);
  };
  const alerts = (): AlertRecord[] => Array.from({ length: TOPICS.alerts.partitions }, (_, p) => log.read(TOPICS.alerts.name, p, 0, 1e6)).flat()
    .map((r) => r.record).filter((r) => !r.control).map((r) => r.value as AlertRecord);
  const alertKeys = (): (string | null)[] => Array.from({ length: TOPICS.alerts.partitions }, (_, p) => log.read(TOPICS.alerts.name, p, 0, 1e6)).flat()
    .map((r) => r.record).filter((r) => !r.control).map((r) => r.key);
  const counter = (name: string) => runtime.taskCounters().get(`ids-fusion:${name}`) ?? 0;
  return { log, runtime, sendHit, sendScore, broadcast, alerts, alertKeys, counter, run: () => runtime.runUntilIdle() };
}

const summary = (alerts: AlertRecord[]) => alerts.map((a) => [a.flow_id, a.detection.method, a.alert.signature_id, a.detection.label]).sort();
const byId = (alerts: AlertRecord[]) => [...alerts].sort((a, b) => (a.alert_id < b.alert_id ? -1 : 1));

describe('fusion stage', () => {
  it('shouldRaiseASignatureAlertOnFirstHitOnly', async () => {
    const d = driver();
    const f = testFlow(1, 0, 10);
    d.sendHit(f, hit(f, 1));
    d.sendHit(f, hit(f, 2));
    d.sendHit(f, hit(f, 3, { sid: 2000002, msg: 'other' }));
    d.sendHit(f, hit(f, 4));
    await d.run();
    // At once: no watermark has passed.
    expect(summary(d.alerts())).toEqual([[1, 'signature', 1000001, 'syn-flood'], [1, 'signature', 2000002, 'syn-flood']]);
    expect(d.alerts()[0].timestamp).toBe('2023-11-14T22:13:21.000000+0000');
    expect(d.alertKeys()).toEqual([f.key, f.key]);
    expect(d.counter('suppressed-hit')).toBe(2);
  });

  it('shouldRaiseAnMlAlertWhenOnlyTheModelDetects', async () => {
    const d = driver();
    const f = testFlow(2, 0, 10);
    d.sendScore(f, score(f));
    d.broadcast(watermark(f.endUs));
    await d.run();
    expect(d.alerts()).toEqual([]); // a hit stamped at the flow's end could still come
    d.broadcast(watermark(f.endUs + 1));
    await d.run();
    expect(d.alerts().map((a) => [a.detection.method, a.alert.signature_id, a.alert.severity, a.detection.confidence, a.timestamp, a.proto]))
      .toEqual([['ml', mlSignatureId('syn-flood'), 2, 0.95, '2023-11-14T22:13:30.000000+0000', 'TCP']]);
    // The sink's row mapping reads the timestamp back as the flow's end.
    expect(toAlertRow(d.alerts()[0]).ts_us).toBe(f.endUs);
  });

  it('shouldRaiseOneHybridAlertWhenBoth', async () => {
    const d = driver();
    const f = testFlow(3, 0, 10);
    d.sendScore(f, score(f, { confidence: 0.8 })); // the score is read before the hits
    d.sendScore(f, anomaly(f, 0.9));
    d.sendHit(f, hit(f, 4));
    d.sendHit(f, hit(f, 5));
    d.broadcast(endOfInput(f.endUs + S));
    await d.run();
    expect(summary(d.alerts())).toEqual([[3, 'hybrid', 1000001, 'syn-flood'], [3, 'signature', 1000001, 'syn-flood']]);
    const hybrid = d.alerts().find((a) => a.detection.method === 'hybrid')!;
    expect([hybrid.alert.severity, hybrid.detection.confidence]).toEqual([1, 0.9]);
  });

  it('keeps a later replay\'s scores waiting for its hits when an earlier replay\'s end is read late', async () => {
    // The CI failure: the inference stage, not running during an earlier replay, forwarded that
    // replay's end-of-input only while the next replay went through. Ending everything then
    // decided this replay's score before its hits arrived (ml instead of hybrid).
    const d = driver();
    const f = testFlow(5, 100, 110);
    d.sendScore(f, score(f));
    d.broadcast(endOfInput(T0 + 50 * S, { round: 'earlier-replay' }));
    await d.run();
    d.sendHit(f, hit(f, 105));
    d.broadcast(watermark(f.endUs + 1));
    await d.run();
    expect(summary(d.alerts())).toEqual([[5, 'hybrid', 1000001, 'syn-flood'], [5, 'signature', 1000001, 'syn-flood']]);
  });

  it('shouldIgnoreShadowScores', async () => {
    const d = driver();
    const f = testFlow(4, 0, 10);
    d.sendScore(f, score(f, { shadow: true, model: 'next-gbdt' }));
    d.sendScore(f, benign(f));
    d.broadcast(endOfInput(f.endUs + S));
    await d.run();
    expect(d.alerts()).toEqual([]);
    expect(d.counter('shadow-score')).toBe(1);
  });

  it('shouldNotAlertOnBenignScores', async () => {
    const d = driver();
    const f = testFlow(5, 0, 10);
    d.sendScore(f, benign(f));
    d.sendScore(f, anomaly(f, 0.2));
    d.broadcast(watermark(f.endUs + 1));
    await d.run();
    expect(d.alerts()).toEqual([]);
    expect(d.counter('flow-decided')).toBe(1);
  });

  it('shouldRaiseAnAnomalyAlertWhenOnlyTheAnomalyModelFires', async () => {
    const d = driver();
    const f = testFlow(6, 0, 10);
    d.sendScore(f, benign(f));
    d.sendScore(f, anomaly(f, 1.5));
    d.broadcast(watermark(f.endUs + 1));
    await d.run();
    expect(d.alerts().map((a) => [a.detection.method, a.detection.family, a.detection.label, a.alert.severity, a.detection.confidence]))
      .toEqual([['ml', 'anomaly', 'anomaly', 3, 0.75]]);
  });

  it('shouldDecideTheSameWhateverTheArrivalOrder', async () => {
    const flows = Array.from({ length: 8 }, (_, i) => testFlow(10 + i, i, i + 5));
    type Item = ['hit', TestFlow, SignatureHitRecord] | ['score', TestFlow, MlScoreRecord];
    const items = (f: TestFlow, i: number): Item[] => [
      ['hit', f, hit(f, f.startUs / S - T0 / S + 1, { sid: 1000000 + (i % 3) })],
      ['hit', f, hit(f, f.startUs / S - T0 / S + 2, { sid: 3000000, family: 'scan', classtype: 'attempted-recon', priority: 3, label: 'portscan' })],
      ['hit', f, hit(f, f.startUs / S - T0 / S + 3, { sid: 1000000 + (i % 3) })],
      ['score', f, i % 4 === 0 ? benign(f) : i % 4 === 1 ? score(f, { label: 'portscan', family: 'scan', confidence: 0.85 }) : score(f)],
      ['score', f, anomaly(f, i % 2 === 0 ? 0.9 : 0.1)],
    ].filter((_, k) => !(i % 3 === 2 && k < 3)) as Item[];
    const send = (d: ReturnType<typeof driver>, [kind, f, v]: Item) => (kind === 'hit' ? d.sendHit(f, v as SignatureHitRecord) : d.sendScore(f, v as MlScoreRecord));

    // Flow by flow, each in time order, the watermark following every flow's end.
    const inOrder = driver(new InMemoryLog(), 4096);
    flows.forEach((f, i) => {
      items(f, i).forEach((it) => send(inOrder, it));
      inOrder.broadcast(watermark(f.startUs));
    });
    inOrder.broadcast(endOfInput(T0 + 100 * S));
    await inOrder.run();

    // Scores first, hits last and newest flow first, one record per read: the topics interleave
    // quite differently in each task.
    const shuffled = driver(new InMemoryLog(), 1);
    const all = flows.flatMap((f, i) => items(f, i));
    all.filter(([k]) => k === 'score').reverse().forEach((it) => send(shuffled, it));
    [...flows].reverse().forEach((f, i) => items(f, flows.length - 1 - i).filter(([k]) => k === 'hit').forEach((it) => send(shuffled, it)));
    shuffled.broadcast(endOfInput(T0 + 100 * S));
    await shuffled.run();

    expect(byId(shuffled.alerts())).toEqual(byId(inOrder.alerts()));
    const methods = inOrder.alerts().map((a) => a.detection.method);
    expect(['signature', 'ml', 'hybrid'].map((m) => methods.includes(m as AlertRecord['detection']['method']))).toEqual([true, true, true]);
  });

  it('shouldRestoreFromTheChangelogs', async () => {
    const f = testFlow(30, 0, 10);
    const g = testFlow(31, 2, 20);
    const first = [() => hit(f, 1), () => hit(g, 3, { sid: 4000001, family: null, classtype: null })];
    const second = [() => hit(f, 6), () => hit(g, 15, { sid: 4000001, family: null, classtype: null })];

    const once = driver();
    [...first, ...second].forEach((h) => once.sendHit(h().flow_id === f.id ? f : g, h()));
    once.sendScore(f, score(f));
    once.sendScore(g, anomaly(g, 2));
    once.broadcast(endOfInput(T0 + 30 * S));
    await once.run();

    const before = driver();
    first.forEach((h) => before.sendHit(h().flow_id === f.id ? f : g, h()));
    before.sendScore(f, score(f));
    before.broadcast(watermark(T0 + 5 * S));
    await before.run();
    // A new runtime over the same log stands for restarted processes: alerted sids, kept hits and
    // pending scores come back from the changelogs.
    const after = driver(before.log);
    second.forEach((h) => after.sendHit(h().flow_id === f.id ? f : g, h()));
    after.sendScore(g, anomaly(g, 2));
    after.broadcast(endOfInput(T0 + 30 * S));
    await after.run();

    expect(byId(after.alerts())).toEqual(byId(once.alerts()));
    expect(summary(once.alerts())).toEqual([[30, 'hybrid', 1000001, 'syn-flood'], [30, 'signature', 1000001, 'syn-flood'], [31, 'hybrid', 4000001, 'syn-flood'], [31, 'signature', 4000001, 'syn-flood']]);
    expect(after.counter('suppressed-hit')).toBe(2);
  });

  it('shouldDescribeItsTopology', () => {
    expect(fusionTopology().describe()).toBe([
      'Topology: ids-fusion',
      '  Source: hits-source (topics: [ids.signature-hits.v1])',
      '    --> fuse',
      '  Source: scores-source (topics: [ids.ml-scores.v1])',
      '    --> fuse',
      '  Processor: fuse (stores: [flows, pending])',
      '    --> alerts-sink',
      '    <-- hits-source, scores-source',
      '  Sink: alerts-sink (topic: ids.alerts.v1)',
      '    <-- fuse',
      '  Store: flows (changelog: ids-fusion-flows-changelog)',
      '  Store: pending (changelog: ids-fusion-pending-changelog)',
      '',
    ].join('\n'));
  });
});
