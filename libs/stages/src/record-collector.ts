import { TopologyBuilder, type Processor, type StreamRecord, type Topology } from '@ids/topology';

/** Receives the records an embedded run produces on one topic (what a Kafka consumer would read). */
export type RecordPort<T> = (batch: T[]) => Promise<void> | void;

class RecordCollectorProcessor<T> implements Processor<string, T> {
  private buffer: T[] = [];
  constructor(private readonly port: RecordPort<T>) {}

  process(record: StreamRecord<string, T>): void {
    if (record.value) this.buffer.push(record.value);
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    await this.port(batch);
  }
}

/** A topology that hands every record of `topic` to `port`: the embedded runtime's outside reader. */
export function collectorTopology<T>(applicationId: string, topic: string, port: RecordPort<T>): Topology {
  return new TopologyBuilder(applicationId)
    .addSource('source', topic)
    .addProcessor('collect', () => new RecordCollectorProcessor<T>(port), 'source')
    .build();
}
