import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';
import { analyzeCapture } from '@ids/stages';
import { framesAtReplayTime, writeCapture } from './replay-time';
import { e2eSuite, eventually, startApp, stopApp } from './stack-processes';

// A flows stage killed (SIGKILL) while flows are open restores its flow table from the
// changelog topic: the capture is replayed in two halves, as two files of a rotated series, and
// the flows app is killed and restarted between them. The flows in ClickHouse must be exactly
// those of the whole capture on the embedded runtime: none lost, none split, none duplicated.
// Then a stage killed while it works through its input, with a transaction open: what it had not
// committed is read again, and every flow's packet and byte counts come out exactly once.
const CAPTURE = join(repoRoot(), 'test', 'cases', 'skeleton', 'capture.pcap');
// 48 k packets, 7,294 flows: long enough for the stage to be caught in the middle of its input.
const LARGE_CAPTURE = join(repoRoot(), 'test', 'cases', 'ml-holdout', 'capture.pcap');

describe('flows stage restart', () => {
  const { database, admin, clickhouse, apps } = e2eSuite('restart');

  // Other tests share ids.packets.v1 and the stage groups (a live capture on lo leaves packets
  // behind): only flows inside this capture's time span are this test's.
  let span = '1';
  const uids = async (): Promise<string[]> => {
    try {
      const rs = await clickhouse.query({ query: `SELECT uid FROM ${database}.flows FINAL WHERE ${span} ORDER BY uid`, format: 'JSONEachRow' });
      return ((await rs.json()) as { uid: string }[]).map((r) => r.uid);
    } catch {
      return [];
    }
  };
  const flowsGroupCaughtUp = async (): Promise<boolean> => {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets('ids.packets.v1'),
      admin.fetchOffsets({ groupId: 'ids-flows', topics: ['ids.packets.v1'] }),
    ]);
    const done = new Map(committed[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.every((e) => Number(e.high) === 0 || done.get(e.partition) === Number(e.high));
  };

  it('loses, splits and duplicates no flow when killed between two capture files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-restart-'));
    // At a replay time of its own: packets stamped before what other tests wrote would be late.
    const capture = writeCapture(join(dir, 'capture.pcap'), await framesAtReplayTime(CAPTURE));
    const [first, second] = [join(dir, 'part-1.pcap'), join(dir, 'part-2.pcap')];
    execFileSync('editcap', ['-r', capture, first, '1-50']);
    execFileSync('editcap', ['-r', capture, second, '51-99']);
    const embedded = await analyzeCapture(capture);
    const expected = embedded.flows.map((f) => f.uid).sort();
    span = `ts_us BETWEEN ${embedded.capture.firstTsUs} AND ${embedded.capture.lastTsUs}`;

    const env = { IDS_CLICKHOUSE_DATABASE: database, IDS_INSTANCE_ID: `restart-${Date.now()}` };
    const sink = startApp('sink', env);
    const flowsBefore = startApp('flows', env);
    apps.push(sink, flowsBefore);
    const part1 = startApp('capture', { ...env, IDS_CAPTURE_FILE: first, IDS_CAPTURE_END_OF_INPUT: 'false' });
    expect(await part1.exited).toBe(0);
    await eventually(flowsGroupCaughtUp, (v) => v, 60_000, 'the flows stage to commit every packet of the first file');

    flowsBefore.child.kill('SIGKILL');
    await flowsBefore.exited;
    const storedBeforeRestart = await uids();
    // Flows were still open when the stage died: only its changelog remembers them.
    expect(storedBeforeRestart.length).toBeLessThan(expected.length);

    const flowsAfter = startApp('flows', env);
    apps.push(flowsAfter);
    const part2 = startApp('capture', { ...env, IDS_CAPTURE_FILE: second });
    expect(await part2.exited).toBe(0);
    await eventually(uids, (u) => u.length >= expected.length, 90_000, `${expected.length} flows in ClickHouse (flows app: ${flowsAfter.output().slice(-400)})`);
    await eventually(flowsGroupCaughtUp, (v) => v, 60_000, 'the restarted flows stage to commit every packet');

    const rs = await clickhouse.query({ query: `SELECT uid, count() AS n FROM ${database}.flows WHERE ${span} GROUP BY uid HAVING n > 1`, format: 'JSONEachRow' });
    const rawDuplicates = (await rs.json()) as unknown[];
    expect({ uids: await uids(), rawDuplicates }).toEqual({ uids: expected, rawDuplicates: [] });
  }, 240_000);

  it('counts every packet exactly once when killed in the middle of its input', async () => {
    // this test's own stages only: a flows app left running would take over the killed one's partitions
    for (const app of apps.splice(0)) await stopApp(app);
    const dir = mkdtempSync(join(tmpdir(), 'ids-kill-'));
    const capture = writeCapture(join(dir, 'capture.pcap'), await framesAtReplayTime(LARGE_CAPTURE));
    const embedded = await analyzeCapture(capture);
    const counts = (f: { uid: string; orig_pkts: number; resp_pkts: number; orig_bytes: number; resp_bytes: number; conn_state: string }) =>
      `${f.uid} ${f.orig_pkts}/${f.resp_pkts} pkts ${f.orig_bytes}/${f.resp_bytes} bytes ${f.conn_state}`;
    const expected = embedded.flows.map(counts).sort();
    span = `ts_us BETWEEN ${embedded.capture.firstTsUs} AND ${embedded.capture.lastTsUs}`;
    const stored = async (): Promise<string[]> => {
      const rs = await clickhouse.query({ query: `SELECT uid, orig_pkts, resp_pkts, orig_bytes, resp_bytes, conn_state FROM ${database}.flows FINAL WHERE ${span}`, format: 'JSONEachRow' });
      return ((await rs.json()) as Parameters<typeof counts>[0][]).map((f) => counts({ ...f, orig_pkts: Number(f.orig_pkts), resp_pkts: Number(f.resp_pkts), orig_bytes: Number(f.orig_bytes), resp_bytes: Number(f.resp_bytes) })).sort();
    };

    // The whole capture is on the topic before the stage starts, so its progress is measurable.
    const env = { IDS_CLICKHOUSE_DATABASE: database, IDS_INSTANCE_ID: `kill-${Date.now()}` };
    const before = new Map((await admin.fetchTopicOffsets('ids.packets.v1')).map((p) => [p.partition, Number(p.high)]));
    const writer = startApp('capture', { ...env, IDS_CAPTURE_FILE: capture });
    expect(await writer.exited).toBe(0);
    const after = new Map((await admin.fetchTopicOffsets('ids.packets.v1')).map((p) => [p.partition, Number(p.high)]));
    const total = [...after].reduce((n, [p, high]) => n + high - before.get(p)!, 0);
    const progress = async (): Promise<number> => {
      const [committed] = await admin.fetchOffsets({ groupId: 'ids-flows', topics: ['ids.packets.v1'] });
      return committed.partitions.reduce((n, c) => n + Math.min(Math.max(Number(c.offset) - before.get(c.partition)!, 0), after.get(c.partition)! - before.get(c.partition)!), 0);
    };

    const sink = startApp('sink', env);
    const flowsBefore = startApp('flows', env);
    apps.push(sink, flowsBefore);
    const killedAt = await eventually(progress, (n) => n >= total / 4, 120_000, `the flows stage to commit a quarter of ${total} packets (flows app: ${flowsBefore.output().slice(-400)})`);
    flowsBefore.child.kill('SIGKILL');
    await flowsBefore.exited;
    const committedAtKill = await progress();
    // Killed with input left: what it had taken past its last commit is aborted and read again.
    expect({ killedAt, committedAtKill, left: committedAtKill < total }).toMatchObject({ left: true });

    const flowsAfter = startApp('flows', env);
    apps.push(flowsAfter);
    await eventually(progress, (n) => n === total, 120_000, `the restarted flows stage to commit all ${total} packets (flows app: ${flowsAfter.output().slice(-400)})`);
    await eventually(stored, (f) => f.length >= expected.length, 90_000, `${expected.length} flows in ClickHouse`);
    const rs = await clickhouse.query({ query: `SELECT uid, count() AS n FROM ${database}.flows WHERE ${span} GROUP BY uid HAVING n > 1`, format: 'JSONEachRow' });
    const rawDuplicates = (await rs.json()) as unknown[];
    const got = await stored();
    expect({ flows: got.length, missing: expected.filter((f) => !got.includes(f)).slice(0, 5), extra: got.filter((f) => !expected.includes(f)).slice(0, 5), rawDuplicates })
      .toEqual({ flows: expected.length, missing: [], extra: [], rawDuplicates: [] });
  }, 360_000);
});
