import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, TOPICS } from '@ids/contracts';
import { analyzeCapture } from '@ids/stages';
import { framesAtReplayTime, withHostsOfItsOwn, writeCapture } from './replay-time';
import { e2eSuite, eventually, startApp } from './stack-processes';

// The sink killed (SIGKILL) in the middle of its input and restarted. Its inserts are at least
// once: rows inserted before the kill whose offsets were not yet committed are inserted again
// after the restart, and ReplacingMergeTree collapses them (read with FINAL). The flows in
// ClickHouse, read with FINAL, must be exactly the embedded runtime's, packets and bytes included.
const CAPTURE = join(repoRoot(), 'test', 'cases', 'ml-holdout', 'capture.pcap');

interface FlowRow { uid: string; orig_pkts: string; resp_pkts: string; orig_wire_bytes: string; resp_wire_bytes: string; conn_state: string }

describe('the sink killed in the middle of its input', () => {
  const { database, admin, clickhouse, apps } = e2eSuite('sinkrestart', 90_000);

  it('stores every flow once (FINAL) after a restart, with the embedded runtime\'s counts', async () => {
    const { frames, prefix } = withHostsOfItsOwn(await framesAtReplayTime(CAPTURE));
    const capture = writeCapture(join(mkdtempSync(join(tmpdir(), 'ids-sink-restart-')), 'capture.pcap'), frames);
    const embedded = await analyzeCapture(capture);
    const expected = new Map(embedded.flows.map((f) => [f.uid, `${f.orig_pkts} ${f.resp_pkts} ${f.orig_wire_bytes} ${f.resp_wire_bytes} ${f.conn_state}`]));
    // small inserts: the sink's work spans hundreds of them, so a kill lands between two
    const env = { IDS_CLICKHOUSE_DATABASE: database, IDS_INSTANCE_ID: `sink-restart-${Date.now()}`, IDS_SINK_BATCH_ROWS: '20' };
    const span = `ts_us >= ${embedded.capture.firstTsUs} AND (startsWith(orig_h, '${prefix}') OR startsWith(resp_h, '${prefix}'))`;
    const rows = async (final: boolean): Promise<FlowRow[]> => {
      try {
        const rs = await clickhouse.query({ query: `SELECT uid, orig_pkts, resp_pkts, orig_wire_bytes, resp_wire_bytes, conn_state FROM ${database}.flows ${final ? 'FINAL' : ''} WHERE ${span}`, format: 'JSONEachRow' });
        return (await rs.json()) as FlowRow[];
      } catch {
        return []; // the sink has not made the table yet
      }
    };

    // The flows stage first, alone, through all of the capture: then the sink's whole input is waiting for it.
    const flows = startApp('flows', env);
    apps.push(flows);
    const writer = startApp('capture', { ...env, IDS_CAPTURE_FILE: capture });
    apps.push(writer);
    expect(await writer.exited).toBe(0);
    const written = new Map((await admin.fetchTopicOffsets(TOPICS.packets.name)).map((p) => [p.partition, Number(p.high)]));
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: 'ids-flows', topics: [TOPICS.packets.name] });
      return committed.partitions.every((c) => Number(c.offset) >= (written.get(c.partition) ?? 0));
    }, (done) => done, 180_000, `the flows stage through the capture (${flows.output().slice(-300)})`);

    const sink = startApp('sink', env);
    apps.push(sink);
    const atKill = await eventually(() => rows(false), (r) => r.length >= expected.size / 4, 180_000, `a quarter of ${expected.size} flows in ClickHouse (${sink.output().slice(-300)})`);
    sink.child.kill('SIGKILL');
    await sink.exited;
    expect(atKill.length).toBeLessThan(expected.size);

    const restarted = startApp('sink', env);
    apps.push(restarted);
    await eventually(async () => {
      if (restarted.child.exitCode !== null) throw new Error(`the restarted sink exited with ${restarted.child.exitCode}: ${restarted.output().slice(-600)}`);
      return (await rows(true)).length;
    }, (n) => n >= expected.size, 180_000, `${expected.size} flows in ClickHouse after the restart`);
    const stored = await rows(true);
    const got = new Map(stored.map((r) => [r.uid, `${r.orig_pkts} ${r.resp_pkts} ${r.orig_wire_bytes} ${r.resp_wire_bytes} ${r.conn_state}`]));
    const differing = [...expected].filter(([uid, line]) => got.get(uid) !== line).slice(0, 5);
    expect({ flows: stored.length, differing, extra: [...got.keys()].filter((uid) => !expected.has(uid)).slice(0, 5) }).toEqual({ flows: expected.size, differing: [], extra: [] });
  }, 600_000);
});
