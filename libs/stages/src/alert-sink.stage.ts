import { TOPICS, type AlertRecord } from '@ids/contracts';
import { TopologyBuilder, type Processor, type StreamRecord, type Topology } from '@ids/topology';
import { APP_IDS } from './stage-names';

/** Where the sink stage puts alerts: ClickHouse on a cluster, memory or a file locally. */
export interface AlertSinkPort {
  /** Must be durable when it resolves: the runtime commits the input offsets afterwards. */
  writeAlerts(alerts: AlertRecord[]): Promise<void>;
  /**
   * Throws for an alert `writeAlerts` could never write (a row it cannot map): checked as the
   * record is read, so the runtime dead-letters that one record instead of failing its batch on
   * every retry.
   */
  check?(alert: AlertRecord): void;
}

/** The sink app's second consumer group: alerts are committed apart from flows. */
export const ALERT_SINK_APP_ID = `${APP_IDS.sink}-alerts`;

/** Buffers alerts and writes them in batches of at most `maxBatch`; a batch is written before its offsets commit. */
export class AlertWriterProcessor implements Processor<string, AlertRecord> {
  private buffer: AlertRecord[] = [];
  constructor(private readonly port: AlertSinkPort, private readonly maxBatch: number) {}

  process(record: StreamRecord<string, AlertRecord>): void {
    if (!record.value) return;
    this.port.check?.(record.value);
    this.buffer.push(record.value);
  }

  async flush(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.maxBatch);
      await this.port.writeAlerts(batch);
      this.buffer = this.buffer.slice(batch.length);
    }
  }
}

/** ids.alerts.v1 → `port` (ClickHouse `alerts` in the sink app). */
export function alertSinkTopology(port: AlertSinkPort, maxBatch = 10_000): Topology {
  return new TopologyBuilder(ALERT_SINK_APP_ID)
    .addSource('alerts-source', TOPICS.alerts.name)
    .addProcessor('alert-writer', () => new AlertWriterProcessor(port, maxBatch), 'alerts-source')
    .build();
}
