import type { Message, Producer } from 'kafkajs';
import type { RecordWriter } from '@ids/topology';
import type { TopicSerdes } from '@ids/serdes';
import { toKafkaMessage } from './kafka-message.codec';
import { MAX_BATCH_BYTES, messageBytes } from './message-batch.budget';

/**
 * A `RecordWriter` over an idempotent KafkaJS producer for source drivers (the capture).
 * Messages are sent in batches of at most `maxBatch` messages and `maxBytes` bytes (a burst of
 * full-size frames of one flow all go to one partition, whose record batch the broker caps);
 * `write` waits while a batch is in flight, which is the back-pressure that keeps a fast file
 * reader from filling memory.
 */
export class KafkaRecordWriter implements RecordWriter {
  private pending = new Map<string, Message[]>();
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly producer: Producer,
    private readonly serdes: TopicSerdes,
    private readonly maxBatch = 2000,
    private readonly maxBytes = MAX_BATCH_BYTES,
  ) {}

  async write(topic: string, partition: number, record: Parameters<RecordWriter['write']>[2]): Promise<void> {
    const message = await toKafkaMessage(this.serdes, { topic, partition, ...record });
    const size = messageBytes(message);
    if (this.count > 0 && this.bytes + size > this.maxBytes) await this.flush();
    const list = this.pending.get(topic) ?? [];
    list.push(message);
    this.pending.set(topic, list);
    this.bytes += size;
    if (++this.count >= this.maxBatch) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.count === 0) return;
    const topicMessages = [...this.pending].map(([topic, messages]) => ({ topic, messages }));
    this.pending = new Map();
    this.count = 0;
    this.bytes = 0;
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }
}
