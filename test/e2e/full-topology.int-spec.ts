import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { repoRoot } from '@ids/contracts';
import { InferenceEngine } from '@ids/inference';
import { analyzeCapture, loadSignatureRules } from '@ids/stages';
import { ethernetFrame } from '../fixtures/frame.builder';
import { framesAtReplayTime, writeCapture } from './replay-time';
import { eventually, startApp, stopApp } from './stack-processes';

// Every stage as its own process on the real stack: capture → flows → features (two repartition
// topics) → inference (ONNX Runtime, the committed models) and signatures (the shipped rules) →
// fusion → sink → ClickHouse. The alerts in ClickHouse must be exactly those the embedded
// runtime (`ids analyze`) fuses from the same capture: same ids, methods, labels and times.
const root = repoRoot();
const SOURCE = join(root, 'test/cases/signatures/web-sqli/attack.pcap');

/**
 * The capture moved to a replay time of its own (./replay-time.ts), its client on ports of its own. The stages' topics
 * and state are shared with the other end-to-end tests and with earlier runs of this one, and
 * event time only moves forward: packets of other tests stamped "now" (a live capture, the
 * rule-reload test) would leave this capture's March timestamps behind the watermark, as late
 * data; and a flow of an earlier run on the same 5-tuple (same flow_id) would share fusion state
 * with this run's.
 */
async function captureInTheFuture(dir: string): Promise<{ capture: string; tick: string }> {
  const portShift = 1000 + (Math.floor(Date.now() / 1000) % 10_000);
  const moved = (await framesAtReplayTime(SOURCE, TICK_AFTER_US)).map((f) => ({ ...f, data: withClientPortsShifted(f.data, portShift) }));
  const capture = writeCapture(join(dir, 'capture.pcap'), moved);
  // One frame 30 s after the capture, replayed after it: its watermark carries event time past
  // every flow of the capture, so the Kafka runtime decides on watermarks alone. An ARP request:
  // it opens no flow that a later run would find.
  const arp = ethernetFrame({ src: '02:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff' }, 0x0806, Buffer.alloc(28));
  const tick = writeCapture(join(dir, 'tick.pcap'), [{ tsUs: moved[moved.length - 1].tsUs + TICK_AFTER_US, data: arp, originalLength: arp.length }]);
  return { capture, tick };
}

const TICK_AFTER_US = 30_000_000;

/** Moves the client's TCP port (the one that is not 80) by `by`, keeping the TCP checksum right (RFC 1624). */
function withClientPortsShifted(frame: Buffer, by: number): Buffer {
  const out = Buffer.from(frame);
  const ip = 14;
  const tcp = ip + (out[ip] & 0x0f) * 4;
  for (const at of [tcp, tcp + 2]) {
    const port = out.readUInt16BE(at);
    if (port === 80) continue;
    const moved = port + by;
    let sum = (~out.readUInt16BE(tcp + 16) & 0xffff) + (~port & 0xffff) + moved;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    out.writeUInt16BE(moved, at);
    out.writeUInt16BE(~sum & 0xffff, tcp + 16);
  }
  return out;
}
/** Each running stage's `ids_task_events_total` and its state-restore log lines. */
async function stageEvents(apps: ReturnType<typeof startApp>[]): Promise<string[]> {
  const lines: string[] = [];
  for (const app of apps) {
    const output = app.output();
    const url = /health and metrics on (\S+)\/health/.exec(output)?.[1];
    if (url && app.child.exitCode === null) {
      const text = await (await fetch(`${url}/metrics`)).text().catch(() => '');
      lines.push(...text.split('\n').filter((l) => l.startsWith('ids_task_events_total') && !l.includes('event="match"')));
    }
    lines.push(...output.split('\n').filter((l) => /restored state store|rebalanc|"level":50/.test(l) && !l.includes('CONCURRENT_TRANSACTIONS') && !l.includes('another concurrent operation')).map((l) => l.slice(0, 300)));
  }
  return lines;
}

const CLICKHOUSE_URL = process.env.IDS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

interface AlertRow { alert_id: string; timestamp: string; detection_method: string; detection_label: string; alert_signature_id: string }

describe('full topology on Kafka: alerts in ClickHouse equal the embedded runtime\'s', () => {
  const database = `ids_e2e_full_${Date.now()}`;
  let clickhouse: ClickHouseClient;
  const apps: ReturnType<typeof startApp>[] = [];

  beforeAll(() => { clickhouse = createClient({ url: CLICKHOUSE_URL }); });
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
    await clickhouse.close();
  }, 90_000);

  it('fuses signature hits and ML scores into the same alerts on both runtimes', async () => {
    const { capture: CAPTURE, tick: TICK } = await captureInTheFuture(mkdtempSync(join(tmpdir(), 'ids-full-topology-')));
    const engine = await InferenceEngine.create({ modelsDir: join(root, 'models'), watch: false });
    const rules = loadSignatureRules(join(root, 'rules'));
    let embedded;
    try {
      embedded = await analyzeCapture(CAPTURE, { scorer: engine, signatureRules: rules.rules });
    } finally {
      await engine.close();
    }
    const expected = embedded.alerts.map((a) => `${a.alert_id} ${a.timestamp} ${a.detection.method} ${a.detection.label} ${a.alert.signature_id}`).sort();
    expect(embedded.alerts.some((a) => a.detection.method === 'signature')).toBe(true);
    expect(embedded.alerts.some((a) => a.detection.method !== 'signature')).toBe(true);

    const env = { IDS_CLICKHOUSE_DATABASE: database };
    for (const stage of ['flows', 'features', 'signatures', 'inference', 'fusion', 'sink']) apps.push(startApp(stage, { ...env, IDS_LOG_LEVEL: 'info' }));
    // No end-of-input markers on Kafka: the decisions come from watermarks alone, as on a live
    // network (the embedded run above ends its input; both must agree).
    for (const [file, name] of [[CAPTURE, 'capture'], [TICK, 'tick']]) {
      const capture = startApp('capture', { ...env, IDS_CAPTURE_FILE: file, IDS_CAPTURE_END_OF_INPUT: 'false', IDS_INSTANCE_ID: `e2e-full-${name}-${Date.now()}` });
      apps.push(capture);
      const code = await capture.exited;
      expect({ name, code, output: code === 0 ? '' : capture.output() }).toEqual({ name, code: 0, output: '' });
    }

    // Other tests share the data topics: only alerts between this capture's hosts inside its time
    // span are ours. (A flow another test left open, on a live link say, times out at this
    // capture's first watermarks, and its record carries that time.)
    const hosts = `('203.0.113.66', '10.0.5.80')`;
    const span = `ts_us BETWEEN ${embedded.capture.firstTsUs} AND ${embedded.capture.lastTsUs! + 3_600_000_000} AND src_ip IN ${hosts} AND dest_ip IN ${hosts}`;
    const rows = async () => {
      try {
        const rs = await clickhouse.query({ query: `SELECT alert_id, timestamp, detection_method, detection_label, alert_signature_id FROM ${database}.alerts FINAL WHERE ${span}`, format: 'JSONEachRow' });
        return (await rs.json()) as AlertRow[];
      } catch {
        return []; // the sink has not created the table yet
      }
    };
    const stored = await eventually(rows, (r) => r.length >= expected.length, 120_000,
      `${expected.length} alerts in ClickHouse (${apps.map((a) => a.output().slice(-300)).join(' | ')})`);
    const alerts = stored.map((r) => `${r.alert_id} ${r.timestamp} ${r.detection_method} ${r.detection_label} ${r.alert_signature_id}`).sort();
    // On a difference, what the stages counted (late records, decisions, restores) is shown with it.
    const diagnosis = alerts.join() === expected.join() ? null : await stageEvents(apps);
    expect({ alerts, diagnosis }).toEqual({ alerts: expected, diagnosis });
  }, 240_000);
});
