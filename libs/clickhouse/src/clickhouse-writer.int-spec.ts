import type { ClickHouseClient } from '@clickhouse/client';
import { toAlertRow } from './alert-rows';
import { ClickHouseInsertError } from './clickhouse-insert.error';
import { ClickHouseQueryError } from './clickhouse-query.error';
import { runStatement, selectRows } from './clickhouse-statements';
import { insertRows } from './clickhouse-writer';
import { migrate } from './clickhouse.migrator';
import type { FlowStats } from '@ids/contracts';
import { toFlowRow, ZERO_FLOW_STATS } from './flow-rows';
import { dropDatabase, freshDatabaseName, testClickHouseClient } from './internal/test-database';
import { sampleAlert, sampleFlow } from './internal/sample-records';

jest.setTimeout(60_000);

describe('insertRows into the migrated tables (real ClickHouse)', () => {
  let client: ClickHouseClient;
  let database: string;

  beforeEach(async () => {
    client = testClickHouseClient();
    database = freshDatabaseName();
    await migrate(client, database);
  });
  afterEach(async () => {
    await dropDatabase(client, database);
    await client.close();
  });

  const count = async (sql: string) => Number((await selectRows<{ n: string }>(client, sql))[0].n);

  it('keeps one copy of a flow inserted twice, with the record values, under FINAL and after a merge', async () => {
    const stats = Object.fromEntries(Object.keys(ZERO_FLOW_STATS).map((k, i) => [k, i + 0.5])) as unknown as FlowStats;
    const flow = sampleFlow({ vlan: 42, service: null, stats });
    const other = sampleFlow({ uid: 'Cother', ts_us: 1_700_000_030_000_000, last_ts_us: 1_700_000_031_000_000 });
    await insertRows(client, `${database}.flows`, [toFlowRow(flow), toFlowRow(other)]);
    await insertRows(client, `${database}.flows`, [toFlowRow(flow)]);

    expect(await count(`SELECT count() AS n FROM ${database}.flows`)).toBe(3);
    const rows = await selectRows<Record<string, unknown>>(client, `SELECT *, toUnixTimestamp(ts) AS ts_s FROM ${database}.flows FINAL WHERE uid = '${flow.uid}'`);
    expect(rows).toHaveLength(1);
    const { ts, ts_s, ...values } = rows[0];
    expect(ts_s).toBe(1_700_000_000);
    expect(typeof ts).toBe('string');
    // 64-bit integers come back as strings (exact); the rest as JSON numbers, strings or null.
    const { stats: _stats, ...fields } = flow;
    expect(values).toEqual({
      ...fields,
      ...stats,
      flow_id: String(flow.flow_id), ts_us: String(flow.ts_us), last_ts_us: String(flow.last_ts_us), duration_us: String(flow.duration_us),
      orig_pkts: String(flow.orig_pkts), resp_pkts: String(flow.resp_pkts), orig_bytes: String(flow.orig_bytes), resp_bytes: String(flow.resp_bytes),
      orig_ip_bytes: String(flow.orig_ip_bytes), resp_ip_bytes: String(flow.resp_ip_bytes),
      orig_wire_bytes: String(flow.orig_wire_bytes), resp_wire_bytes: String(flow.resp_wire_bytes),
    });

    await runStatement(client, `OPTIMIZE TABLE ${database}.flows FINAL`);
    expect(await count(`SELECT count() AS n FROM ${database}.flows`)).toBe(2);
  });

  it('keeps one copy of an alert inserted twice, keyed on alert_id', async () => {
    const alert = sampleAlert();
    await insertRows(client, `${database}.alerts`, [toAlertRow(alert)]);
    await insertRows(client, `${database}.alerts`, [toAlertRow(alert), toAlertRow(sampleAlert({ alert_id: 'a-other' }))]);

    const rows = await selectRows<Record<string, unknown>>(client, `SELECT alert_id, timestamp, ts_us, toUnixTimestamp(ts) AS ts_s, alert_signature_id, alert_severity, detection_method, detection_confidence, detection_family, detection_label FROM ${database}.alerts FINAL ORDER BY alert_id`);
    expect(rows).toEqual([
      {
        alert_id: 'a-7f3e', timestamp: alert.timestamp, ts_us: '1700000000123456', ts_s: 1_700_000_000,
        alert_signature_id: '2100498', alert_severity: 1,
        detection_method: 'hybrid', detection_confidence: 0.93, detection_family: 'web', detection_label: 'sqli',
      },
      expect.objectContaining({ alert_id: 'a-other' }),
    ]);
  });

  it('sums flows, packets and bytes per minute and proto, and alerts per minute, family and method', async () => {
    const minute = 1_700_000_040; // 22:14:00
    const at = (s: number) => (minute + s) * 1_000_000;
    const flow = (uid: string, proto: string, s: number, pkts: [number, number], ipBytes: [number, number]) => toFlowRow(sampleFlow({
      uid, proto, ts_us: at(s), last_ts_us: at(s) + 1, orig_pkts: pkts[0], resp_pkts: pkts[1], orig_ip_bytes: ipBytes[0], resp_ip_bytes: ipBytes[1],
    }));
    await insertRows(client, `${database}.flows`, [flow('A', 'tcp', 1, [3, 2], [300, 400]), flow('B', 'tcp', 59, [1, 1], [100, 50])]);
    await insertRows(client, `${database}.flows`, [flow('C', 'udp', 30, [1, 0], [60, 0]), flow('D', 'tcp', 61, [2, 2], [10, 10])]);
    const alert = (id: string, s: number, method: 'signature' | 'ml' | 'hybrid', family: 'dos' | 'scan') => toAlertRow(sampleAlert({
      alert_id: id, timestamp: new Date((minute + s) * 1000).toISOString().replace('Z', '+0000'), detection: { method, family, confidence: 0.9, label: family },
    }));
    await insertRows(client, `${database}.alerts`, [alert('x1', 5, 'hybrid', 'dos'), alert('x2', 6, 'ml', 'scan')]);
    await insertRows(client, `${database}.alerts`, [alert('x3', 7, 'hybrid', 'dos')]);

    const flows = await selectRows(client, `SELECT toUnixTimestamp(minute) AS minute, proto, sum(flows) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
      FROM ${database}.statistics WHERE source = 'flows' GROUP BY minute, proto ORDER BY minute, proto`);
    expect(flows).toEqual([
      { minute, proto: 'tcp', flows: '2', packets: '7', bytes: '850' },
      { minute, proto: 'udp', flows: '1', packets: '1', bytes: '60' },
      { minute: minute + 60, proto: 'tcp', flows: '1', packets: '4', bytes: '20' },
    ]);
    const alerts = await selectRows(client, `SELECT toUnixTimestamp(minute) AS minute, proto, detection_family, detection_method, sum(alerts) AS alerts
      FROM ${database}.statistics WHERE source = 'alerts' GROUP BY minute, proto, detection_family, detection_method ORDER BY detection_family`);
    expect(alerts).toEqual([
      { minute, proto: 'tcp', detection_family: 'dos', detection_method: 'hybrid', alerts: '2' },
      { minute, proto: 'tcp', detection_family: 'scan', detection_method: 'ml', alerts: '1' },
    ]);

    // SummingMergeTree folds the rows of one key into one when parts merge.
    await runStatement(client, `OPTIMIZE TABLE ${database}.statistics FINAL`);
    expect(await count(`SELECT count() AS n FROM ${database}.statistics WHERE source = 'flows'`)).toBe(3);
  });

  it('reports a failed insert as a typed error naming the table and the statement', async () => {
    const failure = insertRows(client, `${database}.nope`, [toFlowRow(sampleFlow())]);

    await expect(failure).rejects.toThrow(ClickHouseInsertError);
    await expect(failure).rejects.toBeInstanceOf(ClickHouseQueryError);
    await expect(failure).rejects.toMatchObject({
      code: '60', type: 'UNKNOWN_TABLE', retriable: false, table: `${database}.nope`, rowCount: 1,
      statement: expect.stringMatching(new RegExp(`^INSERT INTO \`${database}\`.\`nope\` \\(.*\`uid\`, .*\\) FORMAT JSONEachRow$`)),
    });
  });

  it('sends nothing for an empty batch', async () => {
    await expect(insertRows(client, `${database}.nope`, [])).resolves.toBeUndefined();
  });
});
