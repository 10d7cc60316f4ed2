import { TOPICS, type FlowRecord } from '@ids/contracts';
import { TopologyBuilder, type Processor, type StreamRecord, type Topology } from '@ids/topology';
import type { FlowSinkPort } from './flow-sink.port';
import { APP_IDS } from './stage-names';

/** Buffers flows and writes them in batches; a batch is written before its offsets commit. */
export class FlowWriterProcessor implements Processor<string, FlowRecord> {
  private buffer: FlowRecord[] = [];
  constructor(private readonly port: FlowSinkPort, private readonly maxBatch: number) {}

  process(record: StreamRecord<string, FlowRecord>): void {
    if (record.value) this.buffer.push(record.value);
  }

  async flush(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.maxBatch);
      await this.port.writeFlows(batch);
      this.buffer = this.buffer.slice(batch.length);
    }
  }
}

export function sinkTopology(port: FlowSinkPort, maxBatch = 10_000): Topology {
  return new TopologyBuilder(APP_IDS.sink)
    .addSource('flows-source', TOPICS.flows.name)
    .addProcessor('flow-writer', () => new FlowWriterProcessor(port, maxBatch), 'flows-source')
    .build();
}
