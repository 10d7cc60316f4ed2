import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { repoRoot, type FlowRecord } from '@ids/contracts';
import { analyzeCapture } from '@ids/stages';
import { byteCountMatches, tsharkConversations, type TsharkConversation } from '../fixtures/tshark-conv';
import { eventually, startApp, stopApp } from './stack-processes';

// The walking skeleton end to end on the real stack: the capture app replays a pcap into Kafka,
// the flows app (a consumer group with a changelog-backed flow table) builds flows, the sink app
// writes them to ClickHouse. The flows in ClickHouse must match tshark's conversation statistics
// for the same file, and the embedded runtime (`ids analyze`) must give the same flows.
const CAPTURE = join(repoRoot(), 'test', 'cases', 'skeleton', 'capture.pcap');
const CLICKHOUSE_URL = process.env.IDS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

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
  });

  it('stores the flows tshark sees, with the same packets and bytes, and the embedded runtime agrees', async () => {
    const env = { IDS_CLICKHOUSE_DATABASE: database };
    const flows = startApp('flows', env);
    const sink = startApp('sink', env);
    apps.push(flows, sink);

    const capture = startApp('capture', { ...env, IDS_CAPTURE_FILE: CAPTURE });
    apps.push(capture);
    const code = await capture.exited;
    expect({ code, output: code === 0 ? '' : capture.output() }).toEqual({ code: 0, output: '' });

    const expected: TsharkConversation[] = tsharkConversations(CAPTURE);
    expect(expected.length).toBeGreaterThan(3);
    const count = async () => {
      try {
        const rs = await clickhouse.query({ query: `SELECT count() AS n FROM ${database}.flows FINAL WHERE proto IN ('tcp', 'udp')`, format: 'JSONEachRow' });
        return Number(((await rs.json()) as { n: string }[])[0].n);
      } catch {
        return -1; // the sink has not created the table yet
      }
    };
    await eventually(count, (n) => n >= expected.length, 90_000, `${expected.length} tcp/udp flows in ClickHouse (flows app: ${flows.output().slice(-500)} sink app: ${sink.output().slice(-500)})`);

    const rs = await clickhouse.query({ query: `SELECT * FROM ${database}.flows FINAL ORDER BY ts_us, uid`, format: 'JSONEachRow' });
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

    // The same capture on the embedded runtime gives the same flows, field for field.
    const embedded = await analyzeCapture(CAPTURE);
    const project = (f: Pick<FlowRecord, 'uid' | 'conn_state' | 'orig_pkts' | 'resp_pkts' | 'orig_wire_bytes' | 'resp_wire_bytes'>) =>
      `${f.uid} ${f.conn_state} ${f.orig_pkts}/${f.resp_pkts} ${f.orig_wire_bytes}/${f.resp_wire_bytes}`;
    expect(rows.map((r) => project({ ...r, orig_pkts: Number(r.orig_pkts), resp_pkts: Number(r.resp_pkts), orig_wire_bytes: Number(r.orig_wire_bytes), resp_wire_bytes: Number(r.resp_wire_bytes) })).sort())
      .toEqual(embedded.flows.map(project).sort());
  }, 180_000);
});
