import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { repoRoot, TOPICS } from '@ids/contracts';
import { alertDifference, embeddedOracle, storedAlerts } from './alert-oracle';
import { framesAtReplayTime, withHostsOfItsOwn, writeCapture } from './replay-time';
import { e2eSuite, eventually, startApp } from './stack-processes';

// Stages on several instances. The fusion stage (the hits ⋈ scores joiner, two input topics)
// runs on four: partition p of both inputs must go to one instance, which KafkaJS's round-robin
// assigner does not do for a group of four or five (a task then holds one input of its
// partition, its watermark never passes the other, and its scores are never decided: the stage
// stalls, unless a later rebalance happens to restore the halves together). The features stage
// (three sub-topologies, each its own consumer group, two with window stores) starts on one
// instance and gets a second a quarter of the way in: the first keeps the tasks of the partitions
// that stay with it instead of restoring them. The alerts in ClickHouse must be exactly the
// embedded runtime's, and the groups' assignments, read from the broker, co-partitioned. The
// flows, signatures and inference stages run on two instances each. Then one fusion instance dies
// once it has committed some of its work (SIGKILL: it leaves no group and aborts no transaction): the group notices at the
// session timeout, its partitions go to the other three, restored from the changelog once the
// broker has aborted its open transaction, and no alert is lost or doubled.
const root = repoRoot();
const CAPTURE = join(root, 'test', 'cases', 'ml-holdout', 'capture.pcap');
/** The first part of the lab's capture: enough flows for every partition, and hybrid alerts. */
const FRAMES = 20_000;

interface LogLine { msg?: string; group?: string; kept?: number[]; partitions?: number[] }

const logLines = (output: string): LogLine[] => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);

describe('stages on several instances, one scaled out and one killed while they work', () => {
  const { database, admin, clickhouse, apps } = e2eSuite('scale', 90_000);

  it('assigns each partition of every input to one instance, keeps tasks that stay, and stores exactly the embedded runtime\'s alerts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-scale-'));
    const { frames, prefix } = withHostsOfItsOwn((await framesAtReplayTime(CAPTURE)).slice(0, FRAMES));
    const capture = writeCapture(join(dir, 'capture.pcap'), frames);
    const homeNet = `${prefix}0.10/32`;
    const { embedded, expected } = await embeddedOracle(capture, homeNet);
    expect(new Set(embedded.alerts.map((a) => a.detection.method))).toEqual(new Set(['ml', 'signature', 'hybrid']));

    const run = `scale-${Date.now()}`;
    const env = (instance: string, logLevel = 'warn') => ({ IDS_CLICKHOUSE_DATABASE: database, IDS_INSTANCE_ID: `${run}-${instance}`, IDS_HOME_NET: homeNet, IDS_LOG_LEVEL: logLevel });
    const offsets = async (topic: string) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    const flowsBefore = await offsets(TOPICS.flows.name);
    const scoresBefore = await offsets(TOPICS.mlScores.name);
    const committedSince = async (group: string, topic: string, before: Map<number, number>): Promise<number> => {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return committed.partitions.reduce((n, c) => n + Math.max(0, Number(c.offset) - (before.get(c.partition) ?? 0)), 0);
    };
    const diagnosis = () => apps.map((a) => a.output().slice(-200)).join(' | ');

    const features = [startApp('features', env('features-0', 'info'))];
    const fusion = [0, 1, 2, 3].map((i) => startApp('fusion', env(`fusion-${i}`, 'info')));
    apps.push(...features, ...fusion);
    // the other stages on two instances each (the sink on one)
    for (const stage of ['flows', 'signatures', 'inference']) apps.push(startApp(stage, env(`${stage}-0`)), startApp(stage, env(`${stage}-1`)));
    apps.push(startApp('sink', env('sink')));
    // the capture starts once fusion's four members have joined: no rebalance of it meanwhile
    await eventually(async () => (await admin.describeGroups(['ids-fusion'])).groups[0], (g) => g.state === 'Stable' && g.members.length === fusion.length, 120_000, `four fusion members (${diagnosis()})`);
    const writer = startApp('capture', { ...env('capture'), IDS_CAPTURE_FILE: capture });
    apps.push(writer);

    // features scaled out once a quarter of the flows are in
    const flows = embedded.flows.length;
    await eventually(() => committedSince('ids-features', TOPICS.flows.name, flowsBefore), (n) => n >= flows / 4, 300_000, `features to commit a quarter of ${flows} flows (${diagnosis()})`);
    features.push(startApp('features', env('features-1', 'info')));
    apps.push(features[1]);
    // the fourth fusion instance dies once it is at work: it has committed scores of each of its partitions
    const killed = fusion.pop()!;
    const killedPartitions = logLines(killed.output()).filter((l) => l.msg === 'partitions assigned' && l.group === 'ids-fusion').at(-1)!.partitions!;
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: 'ids-fusion', topics: [TOPICS.mlScores.name] });
      return committed.partitions.filter((c) => killedPartitions.includes(c.partition)).every((c) => Number(c.offset) > (scoresBefore.get(c.partition) ?? 0));
    }, (atWork) => atWork, 300_000, `the fourth fusion instance (partitions ${killedPartitions.join(',')}) at work (${diagnosis()})`);
    killed.child.kill('SIGKILL');
    expect(await writer.exited).toBe(0);

    const span = `ts_us >= ${embedded.capture.firstTsUs} AND (startsWith(src_ip, '${prefix}') OR startsWith(dest_ip, '${prefix}'))`;
    await eventually(async () => {
      const gone = apps.find((a) => a !== writer && a !== killed && a.child.exitCode !== null);
      if (gone) throw new Error(`a stage exited with ${gone.child.exitCode}: ${gone.output().slice(-600)}`);
      return (await storedAlerts(clickhouse, database, span, true)).length;
    }, (n) => n >= expected.length, 300_000, `${expected.length} alerts in ClickHouse (${diagnosis()})`);
    await new Promise((r) => setTimeout(r, 5_000)); // an alert decided twice would land after the last expected one
    expect(alertDifference(expected, await storedAlerts(clickhouse, database, span, false))).toEqual({ alerts: expected.length, missing: [], extra: [] });

    // The groups' assignments as the broker holds them: each member has the same partitions of
    // every input topic, and every partition is someone's (fusion's: one of the three left).
    expect((await admin.describeGroups(['ids-fusion'])).groups[0].members.length).toBe(fusion.length);
    const takenOver = fusion.flatMap((f) => logLines(f.output()).filter((l) => l.msg === 'partitions assigned').at(-1)!.partitions!);
    expect(killedPartitions.length).toBeGreaterThan(0);
    expect(takenOver).toEqual(expect.arrayContaining(killedPartitions));
    for (const group of ['ids-fusion', 'ids-features', 'ids-features-hosts', 'ids-features-services', 'ids-flows', 'ids-signatures', 'ids-signatures-thresholds', 'ids-inference']) {
      const { members } = (await admin.describeGroups([group])).groups[0];
      const assignments = members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment);
      const topics = [...new Set(assignments.flatMap((a) => Object.keys(a)))];
      const perMember = assignments.map((a) => topics.map((t) => [...(a[t] ?? [])].sort((x, y) => x - y).join(',')));
      expect({ group, split: perMember.filter((ps) => new Set(ps).size > 1) }).toEqual({ group, split: [] });
      expect({ group, partitions: perMember.flatMap((ps) => (ps[0] === '' ? [] : ps[0].split(',').map(Number))).sort((x, y) => x - y) }).toEqual({ group, partitions: [0, 1, 2, 3, 4, 5] });
    }
    // The first features instance kept the tasks of the partitions that stayed with it when the
    // second joined (confirmed against the committed offsets at their next batch, if any came:
    // on a fast machine all of the input may be in before the second instance has started), and
    // rebuilt none of them.
    const joins = logLines(features[0].output()).filter((l) => l.msg === 'partitions assigned' && l.group === 'ids-features');
    expect(joins.length).toBeGreaterThanOrEqual(2);
    expect(joins.at(-1)!.kept!.length).toBeGreaterThan(0);
    expect(logLines(features[0].output()).filter((l) => l.msg?.startsWith('task rebuilt'))).toEqual([]);
  }, 900_000);
});
