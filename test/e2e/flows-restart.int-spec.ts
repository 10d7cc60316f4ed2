import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Kafka, logLevel } from 'kafkajs';
import { repoRoot } from '@ids/contracts';
import { analyzeCapture } from '@ids/stages';
import { framesAtReplayTime, writeCapture } from './replay-time';
import { eventually, startApp, stopApp } from './stack-processes';

// A flows stage killed (SIGKILL) while flows are open restores its flow table from the
// changelog topic: the capture is replayed in two halves, as two files of a rotated series, and
// the flows app is killed and restarted between them. The flows in ClickHouse must be exactly
// those of the whole capture on the embedded runtime: none lost, none split, none duplicated.
const CAPTURE = join(repoRoot(), 'test', 'cases', 'skeleton', 'capture.pcap');
const CLICKHOUSE_URL = process.env.IDS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

describe('flows stage restart', () => {
  const database = `ids_restart_${Date.now()}`;
  const kafka = new Kafka({ clientId: 'restart-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let clickhouse: ClickHouseClient;
  const apps: Parameters<typeof stopApp>[0][] = [];

  beforeAll(async () => { clickhouse = createClient({ url: CLICKHOUSE_URL }); await admin.connect(); });
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
    await clickhouse.close();
    await admin.disconnect();
  }, 60_000);

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
});
