import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { repoRoot } from '@ids/contracts';
import { InferenceEngine } from '@ids/inference';
import { analyzeCapture, loadSignatureRules } from '@ids/stages';

/** What an alert is compared on: id, time, method, label and sid, as one line. */
export interface AlertRow { alert_id: string; timestamp: string; detection_method: string; detection_label: string; alert_signature_id: string }

export const alertLine = (r: AlertRow): string => `${r.alert_id} ${r.timestamp} ${r.detection_method} ${r.detection_label} ${r.alert_signature_id}`;

/**
 * The embedded runtime's result for `capture` (the shipped rules with `homeNet`, the committed
 * models): the oracle of the tests that run the stages on the stack. `expected`: its alerts as
 * sorted lines.
 */
export async function embeddedOracle(capture: string, homeNet: string): Promise<{ embedded: Awaited<ReturnType<typeof analyzeCapture>>; expected: string[] }> {
  const root = repoRoot();
  const engine = await InferenceEngine.create({ modelsDir: join(root, 'models'), watch: false });
  try {
    const embedded = await analyzeCapture(capture, { scorer: engine, signatureRules: loadSignatureRules(join(root, 'rules'), { vars: { HOME_NET: homeNet } }).rules });
    const expected = embedded.alerts.map((a) => alertLine({
      alert_id: a.alert_id, timestamp: a.timestamp, detection_method: a.detection.method, detection_label: a.detection.label, alert_signature_id: String(a.alert.signature_id),
    })).sort();
    return { embedded, expected };
  } finally {
    await engine.close();
  }
}

/** The alerts the sink stored in `database` matching `where` (FINAL: collapsed), [] before it made the table. */
export async function storedAlerts(clickhouse: ClickHouseClient, database: string, where: string, final: boolean): Promise<AlertRow[]> {
  try {
    const rs = await clickhouse.query({ query: `SELECT alert_id, timestamp, detection_method, detection_label, alert_signature_id FROM ${database}.alerts ${final ? 'FINAL' : ''} WHERE ${where}`, format: 'JSONEachRow' });
    return (await rs.json()) as AlertRow[];
  } catch {
    return [];
  }
}

/** Stored against expected: a count, and the first few lines missing and extra. */
export function alertDifference(expected: string[], stored: AlertRow[]): { alerts: number; missing: string[]; extra: string[] } {
  const lines = stored.map(alertLine).sort();
  const want = new Set(expected);
  const got = new Set(lines);
  return { alerts: lines.length, missing: expected.filter((a) => !got.has(a)).slice(0, 5), extra: lines.filter((a) => !want.has(a)).slice(0, 5) };
}
