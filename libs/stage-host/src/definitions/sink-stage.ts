import { createClickHouseClient, insertRows, migrate, toFlowRow } from '@ids/clickhouse';
import { sinkTopology } from '@ids/stages';
import type { StageDefinition } from '../stage-definition';
import { topologyStage } from './topology-stage';

/** ids.flows.v1 → ClickHouse `flows`; migrations run at start. */
export const sinkStage: StageDefinition = {
  name: 'sink',
  async create(deps) {
    const { clickhouse, runtime } = deps.config;
    const client = createClickHouseClient(clickhouse);
    const runnable = await topologyStage('sink', async () => {
      await migrate(client, clickhouse.database);
      return sinkTopology({ writeFlows: (flows) => insertRows(client, `${clickhouse.database}.flows`, flows.map(toFlowRow)) }, runtime.sinkBatchRows);
    }).create(deps);
    return { ...runnable, stop: async () => { await runnable.stop(); await client.close(); } };
  },
};
