import { createClickHouseClient, insertRows, migrate, toAlertRow, toFlowRow } from '@ids/clickhouse';
import { alertSinkTopology, sinkTopology } from '@ids/stages';
import type { StageDefinition } from '../stage-definition';
import { topologyStage } from './topology-stage';

/**
 * ids.flows.v1 → ClickHouse `flows` and ids.alerts.v1 → `alerts`, as two consumer groups (ids-sink,
 * ids-sink-alerts) so a slow table holds back only its own topic; migrations run at start.
 */
export const sinkStage: StageDefinition = {
  name: 'sink',
  async create(deps) {
    const { clickhouse, runtime } = deps.config;
    const client = createClickHouseClient(clickhouse);
    const runnable = await topologyStage('sink', async () => {
      await migrate(client, clickhouse.database);
      return [
        sinkTopology({ writeFlows: (flows) => insertRows(client, `${clickhouse.database}.flows`, flows.map(toFlowRow)) }, runtime.sinkBatchRows),
        alertSinkTopology({ writeAlerts: (alerts) => insertRows(client, `${clickhouse.database}.alerts`, alerts.map(toAlertRow)), check: (a) => { toAlertRow(a); } }, runtime.sinkBatchRows),
      ];
    }).create(deps);
    return { ...runnable, stop: async () => { await runnable.stop(); await client.close(); } };
  },
};
