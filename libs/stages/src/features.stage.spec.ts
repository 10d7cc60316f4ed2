import { ALL_TOPICS, TOPICS, type FeatureVectorRecord, type FlowRecord } from '@ids/contracts';
import { FEATURE_NAMES, FEATURE_SCHEMA } from '@ids/features';
import { EmbeddedRuntime, InMemoryLog, changelogTopicName, endOfInput, partitionForKey, watermark, type StreamRecord } from '@ids/topology';
import { FEATURES_APP_IDS, featuresTopologies, WINDOW_STORE } from './features.stage';

// The features stage as a specification: flows in on ids.flows.v1, vectors out on ids.features.v1,
// through both repartition topics, on the embedded runtime.
const S = 1_000_000;
const col = (name: string) => FEATURE_NAMES.indexOf(name);

let nextId = 0;
function flow(endS: number, over: Partial<FlowRecord> = {}): FlowRecord {
  const id = nextId++;
  const f: FlowRecord = {
    uid: `C${String(id).padStart(4, '0')}`, flow_id: id, flow_key: '', ts_us: endS * S - 1000, last_ts_us: endS * S, duration_us: 1000,
    proto: 'tcp', ip_proto: 6, vlan: null, orig_h: '198.51.100.7', orig_p: 40000 + id, resp_h: '10.0.0.2', resp_p: 80, service: 'http',
    orig_pkts: 3, resp_pkts: 2, orig_bytes: 100, resp_bytes: 200, orig_ip_bytes: 0, resp_ip_bytes: 0, orig_wire_bytes: 0, resp_wire_bytes: 0,
    conn_state: 'SF', history: 'ShADadFf', close_reason: 'FIN', stats: null, ...over,
  };
  f.flow_key = `6/0/${f.orig_h}/${f.orig_p}/${f.resp_h}/${f.resp_p}`;
  return f;
}

function driver(log = new InMemoryLog()) {
  if (!log.hasTopic(TOPICS.flows.name)) for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
  const runtime = new EmbeddedRuntime(log, featuresTopologies(), { maxBatch: 3 });
  runtime.start();
  const send = (f: FlowRecord, endUs = f.last_ts_us, partition = partitionForKey(f.flow_key, TOPICS.flows.partitions)) =>
    log.append(TOPICS.flows.name, partition, { key: f.flow_key, value: f, timestampUs: endUs });
  const broadcast = (record: StreamRecord<null, null>) => {
    for (let p = 0; p < TOPICS.flows.partitions; p++) log.append(TOPICS.flows.name, p, record);
  };
  const vectors = (): Map<string, FeatureVectorRecord> => new Map(
    Array.from({ length: TOPICS.features.partitions }, (_, p) => log.read(TOPICS.features.name, p, 0, 1e6)).flat()
      .map((r) => r.record).filter((r) => !r.control).map((r) => [(r.value as FeatureVectorRecord).flow_uid, r.value as FeatureVectorRecord]),
  );
  return { log, runtime, send, broadcast, vectors, run: () => runtime.runUntilIdle() };
}

describe('features stage', () => {
  it('shouldEmitOneVectorPerFlowKeyedByTheFlowWithTheSchemaVersion', async () => {
    const d = driver();
    const flows = [flow(1), flow(1.5, { resp_h: '10.0.0.3' }), flow(2, { proto: 'udp', ip_proto: 17, resp_p: 53, service: 'dns', conn_state: 'S0' })];
    flows.forEach((f) => d.send(f));
    d.broadcast(endOfInput(3 * S));
    await d.run();
    const out = d.vectors();
    expect([...out.keys()].sort()).toEqual(flows.map((f) => f.uid).sort());
    for (const v of out.values()) {
      expect(v.feature_schema).toBe(FEATURE_SCHEMA);
      expect(v.values).toHaveLength(FEATURE_NAMES.length);
    }
    const records = Array.from({ length: 6 }, (_, p) => d.log.read(TOPICS.features.name, p, 0, 100)).flat().filter((r) => !r.record.control);
    expect(records.map((r) => r.record.key).sort()).toEqual(flows.map((f) => f.flow_key).sort());
  });

  it('shouldCountSameHostConnectionsInEndTimeOrderWhateverOrderTheyArriveIn', async () => {
    const d = driver();
    const flows = [flow(10), flow(10.5, { conn_state: 'S0' }), flow(11), flow(13.2)];
    // Reverse order, and spread over partitions unlike their keys would: arrival order must not matter.
    [...flows].reverse().forEach((f, i) => d.send(f, f.last_ts_us, i % 6));
    d.broadcast(watermark(20 * S));
    await d.run();
    const out = d.vectors();
    const get = (f: FlowRecord, name: string) => out.get(f.uid)!.values[col(name)];
    expect(flows.map((f) => get(f, 'count'))).toEqual([1, 2, 3, 1]);
    expect(flows.map((f) => get(f, 'dst_host_count'))).toEqual([1, 2, 3, 4]);
    expect(get(flows[2], 'serror_rate')).toBeCloseTo(1 / 3);
    expect(get(flows[3], 'dst_host_serror_rate')).toBeCloseTo(1 / 4);
  });

  it('shouldHoldConnectionsUntilTheWatermarkPassesTheirEnd', async () => {
    const d = driver();
    const early = flow(5);
    d.send(early);
    d.broadcast(watermark(4 * S));
    await d.run();
    expect(d.vectors().size).toBe(0);
    d.broadcast(watermark(5 * S));
    await d.run();
    expect(d.vectors().size).toBe(0); // a flow ending exactly at the watermark can still come
    d.broadcast(watermark(5 * S + 1));
    await d.run();
    expect([...d.vectors().keys()]).toEqual([early.uid]);
  });

  it('shouldCountSameServiceConnectionsAcrossHosts', async () => {
    const d = driver();
    const flows = [flow(30, { resp_h: '10.0.0.5' }), flow(30.5, { resp_h: '10.0.0.6' }), flow(31, { resp_h: '10.0.0.6', resp_p: 22, service: 'ssh' })];
    flows.forEach((f) => d.send(f));
    d.broadcast(endOfInput(40 * S));
    await d.run();
    const v = d.vectors().get(flows[1].uid)!.values;
    expect([v[col('srv_count')], v[col('srv_diff_host_rate')], v[col('count')]]).toEqual([2, 0.5, 1]);
    expect(d.vectors().get(flows[2].uid)!.values[col('srv_count')]).toBe(1);
  });

  it('shouldGiveTheSameVectorsAfterARestartFromTheChangelogs', async () => {
    const flows = Array.from({ length: 12 }, (_, i) => flow(50 + i * 0.3, { resp_h: `10.0.0.${i % 3}`, conn_state: i % 4 === 0 ? 'REJ' : 'SF' }));
    const once = driver();
    flows.forEach((f) => once.send(f));
    once.broadcast(endOfInput(60 * S));
    await once.run();

    const first = driver();
    flows.slice(0, 6).forEach((f) => first.send(f));
    first.broadcast(watermark(51 * S));
    await first.run();
    // A new runtime over the same log stands for restarted processes: windows and pending
    // connections come back from the changelogs.
    const second = driver(first.log);
    flows.slice(6).forEach((f) => second.send(f));
    second.broadcast(endOfInput(60 * S));
    await second.run();
    expect(second.vectors()).toEqual(once.vectors());
    expect(second.vectors().size).toBe(12);
  });

  it('shouldWriteWindowsToTheChangelogAsSnapshotsOfTheirConnections', async () => {
    const d = driver();
    const flows = [flow(20), flow(20.5, { conn_state: 'S0' }), flow(21, { resp_h: '10.0.0.3' })];
    flows.forEach((f) => d.send(f));
    d.broadcast(endOfInput(30 * S));
    await d.run();
    const topic = changelogTopicName(FEATURES_APP_IDS.hosts, WINDOW_STORE);
    const latest = new Map<string, string | null>();
    for (let p = 0; p < d.log.partitions(topic); p++) {
      for (const { record } of d.log.read(topic, p, 0, 1e6)) latest.set(record.key as string, record.value as string | null);
    }
    const snapshot = (key: string) => JSON.parse(latest.get(key)!) as { v: number; conns: { uid: string; serror: boolean }[] };
    expect(snapshot('10.0.0.2')).toEqual({ v: 1, conns: [expect.objectContaining({ uid: flows[0].uid, serror: false }), expect.objectContaining({ uid: flows[1].uid, serror: true })] });
    expect(snapshot('10.0.0.3').conns.map((c) => c.uid)).toEqual([flows[2].uid]);
  });
});
