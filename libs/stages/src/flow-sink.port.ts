import type { FlowRecord } from '@ids/contracts';

/** Where the sink stage puts finished flows: ClickHouse on a cluster, memory or a file locally. */
export interface FlowSinkPort {
  /** Must be durable when it resolves: the runtime commits the input offsets afterwards. */
  writeFlows(flows: FlowRecord[]): Promise<void>;
}
