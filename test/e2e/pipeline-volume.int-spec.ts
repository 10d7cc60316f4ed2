import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, TOPICS } from '@ids/contracts';
import { alertDifference, embeddedOracle, storedAlerts } from './alert-oracle';
import { framesAtReplayTime, withHostsOfItsOwn, writeCapture } from './replay-time';
import { e2eSuite, eventually, startApp } from './stack-processes';

// The whole topology on a real capture of some size (the lab's quality-gate capture: 48 k
// packets, 7,294 flows, some 5,000 alerts), every stage its own process on the real stack, and
// the signatures stage (streams and parsers in memory, rebuilt by replaying packets; threshold
// windows in a changelog), the inference stage and the fusion stage (the stateful joiner)
// SIGKILLed in turn in the middle of their input and restarted. The alerts in ClickHouse must be
// exactly the embedded runtime's, each stored once: a hit or score written twice or lost would
// show as a missing or extra alert. (The full-topology test
// checks the same on 14 flows; volume is what found a record batch over the broker's limit.)
const root = repoRoot();
const CAPTURE = join(root, 'test', 'cases', 'ml-holdout', 'capture.pcap');

describe('the whole topology on a 48 k-packet capture, signatures, inference and fusion killed in the middle', () => {
  const { database, admin, clickhouse, apps } = e2eSuite('volume', 90_000);

  it('stores exactly the embedded runtime\'s alerts, once each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-volume-'));
    const { frames, prefix } = withHostsOfItsOwn(await framesAtReplayTime(CAPTURE));
    const capture = writeCapture(join(dir, 'capture.pcap'), frames);
    // the attacked server, as `make demo` names it: the rules' $EXTERNAL_NET is everyone else
    const homeNet = `${prefix}0.10/32`;
    const { embedded, expected } = await embeddedOracle(capture, homeNet);
    expect(new Set(embedded.alerts.map((a) => a.detection.method))).toEqual(new Set(['ml', 'signature', 'hybrid']));

    // the signatures stage replays up to 10 minutes of packets when restarted: all of this capture (162 s)
    const env = { IDS_CLICKHOUSE_DATABASE: database, IDS_INSTANCE_ID: `volume-${Date.now()}`, IDS_HOME_NET: homeNet, IDS_SIGNATURES_REPLAY_S: '600' };
    const offsets = async (topic: string) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    const [packetsBefore, featuresBefore, scoresBefore] = [await offsets(TOPICS.packets.name), await offsets(TOPICS.features.name), await offsets(TOPICS.mlScores.name)];
    /** Records of this run `group` has committed on `topic`. */
    const committedSince = async (group: string, topic: string, before: Map<number, number>): Promise<number> => {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return committed.partitions.reduce((n, c) => n + Math.max(0, Number(c.offset) - (before.get(c.partition) ?? 0)), 0);
    };
    /** `probe`, failing at once when `app` has exited (instead of waiting out the timeout). */
    const whileRunning = <T>(app: ReturnType<typeof startApp>, probe: () => Promise<T>) => async (): Promise<T> => {
      if (app.child.exitCode !== null) throw new Error(`an app exited with ${app.child.exitCode}: ${app.output().slice(-600)}`);
      return probe();
    };
    for (const stage of ['flows', 'features', 'sink']) apps.push(startApp(stage, env));
    const signatures = startApp('signatures', env);
    apps.push(signatures);
    const inference = startApp('inference', env);
    apps.push(inference);
    const fusion = startApp('fusion', env);
    apps.push(fusion);
    const writer = startApp('capture', { ...env, IDS_CAPTURE_FILE: capture });
    apps.push(writer);
    expect(await writer.exited).toBe(0);

    // Signatures killed once it has committed a quarter of this capture's packets, inference once
    // it has committed a quarter of the vectors (its output transactions open), then fusion once
    // it has committed a quarter of the scores (one per model and flow), wherever that falls by then.
    const packets = frames.length;
    await eventually(whileRunning(signatures, () => committedSince('ids-signatures', TOPICS.packets.name, packetsBefore)), (n) => n >= packets / 4, 240_000, `signatures to commit a quarter of ${packets} packets (${apps.map((a) => a.output().slice(-200)).join(' | ')})`);
    signatures.child.kill('SIGKILL');
    await signatures.exited;
    // killed in the middle (offsets count the capture's markers too: well below the packets + markers)
    expect(await committedSince('ids-signatures', TOPICS.packets.name, packetsBefore)).toBeLessThan(packets);
    const restartedSignatures = startApp('signatures', { ...env, IDS_LOG_LEVEL: 'info' });
    apps.push(restartedSignatures);
    const vectors = embedded.features.length;
    await eventually(whileRunning(inference, () => committedSince('ids-inference', TOPICS.features.name, featuresBefore)), (n) => n >= vectors / 4, 240_000, `inference to commit a quarter of ${vectors} vectors (${apps.map((a) => a.output().slice(-200)).join(' | ')})`);
    inference.child.kill('SIGKILL');
    await inference.exited;
    // killed in the middle: the restarted stage has vectors left to score
    expect(await committedSince('ids-inference', TOPICS.features.name, featuresBefore)).toBeLessThan(vectors);
    apps.push(startApp('inference', env));
    const scores = embedded.mlScores.length;
    await eventually(whileRunning(fusion, () => committedSince('ids-fusion', TOPICS.mlScores.name, scoresBefore)), (n) => n >= scores / 4, 240_000, `fusion to commit a quarter of ${scores} scores (${apps.map((a) => a.output().slice(-200)).join(' | ')})`);
    fusion.child.kill('SIGKILL');
    await fusion.exited;
    apps.push(startApp('fusion', env));

    const span = `ts_us >= ${embedded.capture.firstTsUs} AND (startsWith(src_ip, '${prefix}') OR startsWith(dest_ip, '${prefix}'))`;
    const stages = apps.filter((a) => a !== writer);
    await eventually(async () => {
      const gone = stages.find((a) => a.child.exitCode !== null && a !== fusion && a !== inference && a !== signatures);
      if (gone) throw new Error(`a stage exited with ${gone.child.exitCode}: ${gone.output().slice(-600)}`);
      const by = new Map<string, number>();
      for (const r of await storedAlerts(clickhouse, database, span, true)) by.set(r.detection_method, (by.get(r.detection_method) ?? 0) + 1);
      return Object.fromEntries(by);
    }, (by) => Object.values(by).reduce((a, b) => a + b, 0) >= expected.length, 300_000,
    `${expected.length} alerts in ClickHouse (${JSON.stringify(Object.fromEntries([...new Set(embedded.alerts.map((a) => a.detection.method))].map((m) => [m, embedded.alerts.filter((a) => a.detection.method === m).length])))}); stages: ${stages.map((a) => a.output().slice(-200)).join(' | ')}`);
    // a little longer: an alert decided twice would land after the last expected one
    await new Promise((r) => setTimeout(r, 5_000));
    expect(alertDifference(expected, await storedAlerts(clickhouse, database, span, false))).toEqual({ alerts: expected.length, missing: [], extra: [] });
    // the restarted signatures stage rebuilt its streams from the packets before its commit
    const replays = restartedSignatures.output().split('\n').filter((l) => l.includes('rebuilt in-memory state by replaying input')).map((l) => (JSON.parse(l) as { replayed: number }).replayed);
    expect(replays.length).toBeGreaterThan(0);
    expect(replays.every((n) => n > 0)).toBe(true);
  }, 900_000);
});
