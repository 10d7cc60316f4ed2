import { createClickHouseClient, insertRows, migrate, toFlowRow } from '@ids/clickhouse';
import { sinkTopology } from '@ids/stages';
import type { StageDefinition } from '../stage-definition';
import { topologyStage } from './topology-stage';

/** ids.flows.v1 → ClickHouse `flows`; migrations run at start. */
export const sinkStage: StageDefinition = {
  name: 'sink',
  create: (deps) => topologyStage('sink', async (config) => {
    const client = createClickHouseClient(config.clickhouse);
    await migrate(client, config.clickhouse.database);
    return sinkTopology({ writeFlows: (flows) => insertRows(client, `${config.clickhouse.database}.flows`, flows.map(toFlowRow)) }, config.runtime.sinkBatchRows);
  }).create(deps),
};
