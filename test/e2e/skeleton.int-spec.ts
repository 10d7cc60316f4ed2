import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { repoRoot, type FlowRecord } from '@ids/contracts';
import { analyzeCapture } from '@ids/stages';
import { byteCountMatches, tsharkConversations, type TsharkConversation } from '../fixtures/tshark-conv';
import { framesAtReplayTime, writeCapture } from './replay-time';
import { eventually, startApp, stopApp } from './stack-processes';

// The walking skeleton end to end on the real stack: the capture app replays a pcap into Kafka,
// the flows app (a consumer group with a changelog-backed flow table) builds flows, the sink app
// writes them to ClickHouse. The flows in ClickHouse must match tshark's conversation statistics
// for the same file, and the embedded runtime (`ids analyze`) must give the same flows.
const SOURCE = join(repoRoot(), 'test', 'cases', 'skeleton', 'capture.pcap');
const CLICKHOUSE_URL = process.env.IDS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const PYTHON = join(repoRoot(), '.local', 'venv', 'bin', 'python');

interface StockRead { complete: boolean; markers: number; records: { key: string; partition: number; value: Record<string, unknown> }[] }

/** Captured length of each frame of the capture, in file order. */
function embeddedFrames(capture: string): number[] {
  const out = execFileSync('tshark', ['-r', capture, '-T', 'fields', '-e', 'frame.cap_len'], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

/** Reads a whole topic with Confluent's stock Python consumer and Avro deserializer. */
/** The records written to `topic` since `sinceMs` (Kafka timestamp: the time of writing). */
function readWithStockConsumer(topic: string, sinceMs: number): StockRead {
  const out = execFileSync(PYTHON, [join(repoRoot(), 'test', 'e2e', 'stock_consumer.py'), '127.0.0.1:9092', 'http://127.0.0.1:8081', topic, String(sinceMs)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out) as StockRead;
}

const endpointKey = (proto: string, a: string, pa: number, b: string, pb: number) => {
  const [x, y] = [`${a}|${pa}`, `${b}|${pb}`].sort();
  return `${proto} ${x} ${y}`;
};

interface FlowRow { uid: string; proto: string; orig_h: string; orig_p: number; resp_h: string; resp_p: number; orig_pkts: string; resp_pkts: string; orig_wire_bytes: string; resp_wire_bytes: string; conn_state: string }

describe('walking skeleton: pcap → Kafka → flows → ClickHouse', () => {
  const database = `ids_e2e_${Date.now()}`;
  let clickhouse: ClickHouseClient;
  const apps: Parameters<typeof stopApp>[0][] = [];

  beforeAll(() => { clickhouse = createClient({ url: CLICKHOUSE_URL }); });
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
    await clickhouse.close();
  }, 60_000);

  it('stores the flows tshark sees, with the same packets and bytes, and the embedded runtime agrees', async () => {
    // At a replay time of its own (./replay-time.ts): behind other tests' event time, its packets
    // would be late on the shared topic and its flows cut by timeouts.
    const file = writeCapture(join(mkdtempSync(join(tmpdir(), 'ids-skeleton-')), 'capture.pcap'), await framesAtReplayTime(SOURCE));
    const env = { IDS_CLICKHOUSE_DATABASE: database };
    const startedMs = Date.now();
    const flows = startApp('flows', env);
    const sink = startApp('sink', env);
    apps.push(flows, sink);

    const captureInstance = `e2e-${Date.now()}`;
    const capture = startApp('capture', { ...env, IDS_CAPTURE_FILE: file, IDS_INSTANCE_ID: captureInstance });
    apps.push(capture);
    const code = await capture.exited;
    expect({ code, output: code === 0 ? '' : capture.output() }).toEqual({ code: 0, output: '' });

    const expected: TsharkConversation[] = tsharkConversations(file);
    // Other tests share ids.packets.v1 and the stage groups (a live capture on lo leaves packets
    // behind): only flows inside this capture's time span are this test's.
    const embedded = await analyzeCapture(file);
    const span = `ts_us BETWEEN ${embedded.capture.firstTsUs} AND ${embedded.capture.lastTsUs}`;
    expect(expected.length).toBeGreaterThan(3);
    const count = async () => {
      try {
        const rs = await clickhouse.query({ query: `SELECT count() AS n FROM ${database}.flows FINAL WHERE proto IN ('tcp', 'udp') AND ${span}`, format: 'JSONEachRow' });
        return Number(((await rs.json()) as { n: string }[])[0].n);
      } catch {
        return -1; // the sink has not created the table yet
      }
    };
    await eventually(count, (n) => n >= expected.length, 90_000, `${expected.length} tcp/udp flows in ClickHouse (flows app: ${flows.output().slice(-500)} sink app: ${sink.output().slice(-500)})`);

    const rs = await clickhouse.query({ query: `SELECT * FROM ${database}.flows FINAL WHERE ${span} ORDER BY ts_us, uid`, format: 'JSONEachRow' });
    const rows = (await rs.json()) as FlowRow[];
    const stored = new Map(rows.filter((r) => r.proto === 'tcp' || r.proto === 'udp').map((r) => [
      endpointKey(r.proto, r.orig_h, r.orig_p, r.resp_h, r.resp_p),
      { packets: Number(r.orig_pkts) + Number(r.resp_pkts), bytes: Number(r.orig_wire_bytes) + Number(r.resp_wire_bytes) },
    ]));
    // tshark 4.0 rounds byte counts of 10000 and more ("29 kB"): compare bytes within its range.
    const mismatches = expected.flatMap((c) => {
      const key = endpointKey(c.proto, c.addressA, c.portA ?? 0, c.addressB, c.portB ?? 0);
      const got = stored.get(key);
      stored.delete(key);
      if (!got) return [`${key}: missing from ClickHouse`];
      if (got.packets !== c.frames || !byteCountMatches(c.bytes, got.bytes)) return [`${key}: ${got.packets} packets ${got.bytes} bytes, tshark ${c.frames} packets ${c.bytes.text}`];
      return [];
    });
    expect({ mismatches, extra: [...stored.keys()] }).toEqual({ mismatches: [], extra: [] });

    // Another system reads both topics with a stock Confluent client: every flow in ClickHouse is
    // there, Avro-decoded with the schema from the registry, and so is every packet of this run.
    const flowTopic = readWithStockConsumer('ids.flows.v1', startedMs);
    expect(flowTopic.complete).toBe(true);
    const byUid = new Map(flowTopic.records.map((r) => [r.value.uid as string, r]));
    for (const row of rows) {
      const r = byUid.get(row.uid);
      expect({ uid: row.uid, key: r?.key, packets: r ? Number(r.value.orig_pkts) + Number(r.value.resp_pkts) : null })
        .toEqual({ uid: row.uid, key: r?.value.flow_key, packets: Number(row.orig_pkts) + Number(row.resp_pkts) });
    }
    const packetTopic = readWithStockConsumer('ids.packets.v1', startedMs);
    expect(packetTopic.complete).toBe(true);
    const thisRun = packetTopic.records.filter((r) => r.value.capture_id === `${file}@${captureInstance}`);
    const framesInFile = embeddedFrames(file);
    expect(thisRun.map((r) => r.value.seq).sort((a, b) => Number(a) - Number(b))).toEqual(framesInFile.map((_, i) => i));
    expect(thisRun.map((r) => r.value.data)).toEqual(expect.arrayContaining([framesInFile[0]]));
    expect(packetTopic.markers).toBeGreaterThanOrEqual(6);

    // The same capture on the embedded runtime gives the same flows, field for field.
    const project = (f: Pick<FlowRecord, 'uid' | 'conn_state' | 'orig_pkts' | 'resp_pkts' | 'orig_wire_bytes' | 'resp_wire_bytes'>) =>
      `${f.uid} ${f.conn_state} ${f.orig_pkts}/${f.resp_pkts} ${f.orig_wire_bytes}/${f.resp_wire_bytes}`;
    expect(rows.map((r) => project({ ...r, orig_pkts: Number(r.orig_pkts), resp_pkts: Number(r.resp_pkts), orig_wire_bytes: Number(r.orig_wire_bytes), resp_wire_bytes: Number(r.resp_wire_bytes) })).sort())
      .toEqual(embedded.flows.map(project).sort());
  }, 180_000);
});
