import { ALL_TOPICS, TOPICS, type AlertRecord } from '@ids/contracts';
import { EmbeddedRuntime, InMemoryLog, partitionForKey } from '@ids/topology';
import { ALERT_SINK_APP_ID, alertSinkTopology, type AlertSinkPort } from './alert-sink.stage';

const alert = (i: number): AlertRecord => ({
  alert_id: `a-${i}`, timestamp: '2024-01-15T10:20:30.123456+0000', flow_id: i,
  src_ip: '10.0.0.1', src_port: 40000 + i, dest_ip: '10.0.0.2', dest_port: 80, proto: 'TCP',
  alert: { signature_id: 1000001, rev: 1, signature: 'x', category: 'attempted-dos', severity: 2 },
  detection: { method: 'signature', confidence: 1, family: 'dos', label: 'syn-flood' },
});

function setup(port: AlertSinkPort, log = new InMemoryLog(), maxBatch = 2) {
  if (!log.hasTopic(TOPICS.alerts.name)) for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
  const runtime = new EmbeddedRuntime(log, [alertSinkTopology(port, maxBatch)]);
  runtime.start();
  return { log, runtime };
}

function send(log: InMemoryLog, alerts: AlertRecord[]): void {
  for (const a of alerts) {
    const key = `6/0/10.0.0.1/${a.src_port}/10.0.0.2/80`;
    log.append(TOPICS.alerts.name, partitionForKey(key, TOPICS.alerts.partitions), { key, value: a, timestampUs: 0 });
  }
}

describe('alert sink stage', () => {
  it('shouldWriteEveryAlertInBoundedBatches', async () => {
    const batches: AlertRecord[][] = [];
    const { log, runtime } = setup({ writeAlerts: async (b) => { batches.push(b); } });
    const alerts = Array.from({ length: 9 }, (_, i) => alert(i));
    send(log, alerts);
    await runtime.runUntilIdle();
    expect(batches.flat().map((a) => a.alert_id).sort()).toEqual(alerts.map((a) => a.alert_id).sort());
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(2);
  });

  it('shouldNotCommitAlertsWhoseWriteFailed', async () => {
    const log = new InMemoryLog();
    const failing = setup({ writeAlerts: async () => { throw new Error('clickhouse down'); } }, log);
    send(log, [alert(1), alert(2), alert(3)]);
    await expect(failing.runtime.runUntilIdle()).rejects.toThrow('clickhouse down');
    // The restarted sink reads them again: delivery is at least once, alert_id collapses copies.
    const written: AlertRecord[] = [];
    const restarted = setup({ writeAlerts: async (b) => { written.push(...b); } }, log);
    await restarted.runtime.runUntilIdle();
    expect(written.map((a) => a.alert_id).sort()).toEqual(['a-1', 'a-2', 'a-3']);
  });

  it('dead-letters an alert the port cannot write and writes the rest', async () => {
    const written: AlertRecord[] = [];
    const { log, runtime } = setup({
      writeAlerts: async (b) => { written.push(...b); },
      check: (a) => { if (a.alert_id === 'a-2') throw Object.assign(new Error('timestamp not ISO 8601'), { code: 'ALERT_ROW_INVALID' }); },
    });
    send(log, [alert(1), alert(2), alert(3)]);
    await runtime.runUntilIdle();
    expect(written.map((a) => a.alert_id).sort()).toEqual(['a-1', 'a-3']);
    const letters = log.read(TOPICS.dlq.name, 0, 0, 10).map((r) => r.record.value as { error_code: string; stage: string });
    expect(letters.map((l) => [l.stage, l.error_code])).toEqual([[ALERT_SINK_APP_ID, 'ALERT_ROW_INVALID']]);
  });

  it('shouldReadTheAlertsTopicAsItsOwnConsumerGroup', () => {
    const topology = alertSinkTopology({ writeAlerts: async () => {} });
    expect([topology.applicationId, topology.sourceTopics, ALERT_SINK_APP_ID]).toEqual(['ids-sink-alerts', [TOPICS.alerts.name], 'ids-sink-alerts']);
  });
});
