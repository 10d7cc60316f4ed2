import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, type Consumer, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { StoreError, StoreTimeoutError } from './registry.errors';
import type { RegistryLog } from './registry.log';
import { noopRecord, type RegistryRecord } from './registry-record';
import { decodeRecord, encodeRecord } from './registry-record.codec';
import type { Logger } from './registry.logger';
import type { ApplyOutcome, SchemaStore } from './schema-store';

export interface KafkaStoreOptions {
  kafka: Kafka;
  topic: string;
  store: SchemaStore;
  logger: Logger;
  /** How long a write waits to be read back. */
  writeTimeoutMs: number;
  /** How long start-up may take to read the topic to its end. */
  startTimeoutMs?: number;
}

interface Waiter { offset: number; resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }

/** Outcomes kept for writes whose producer acknowledgement arrives after the reader applied them. */
const OUTCOMES_KEPT = 10_000;

/**
 * The registry's log on a compacted, single-partition Kafka topic (Confluent's KafkaStore).
 * A reader (a consumer of its own, never committing) applies every record to the local store, in
 * order, from the beginning of the topic; a write is produced and then waited for until the
 * reader has applied it, so the state always comes from the log. `sync` writes a NOOP record and
 * waits for it, which proves that everything written before is applied: start-up uses it to read
 * the whole topic before the registry serves.
 */
export class KafkaStore implements RegistryLog {
  private producer?: Producer;
  private consumer?: Consumer;
  private appliedOffset = -1;
  private readonly outcomes = new Map<number, ApplyOutcome>();
  private waiters: Waiter[] = [];
  private failure?: Error;
  private running = false;

  constructor(private readonly options: KafkaStoreOptions) {}

  get ready(): boolean {
    return this.running && this.failure === undefined;
  }

  /** Creates the topic if missing, reads it to the end, and keeps following it. */
  async start(): Promise<void> {
    try {
      await this.connectAndCatchUp();
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  private async connectAndCatchUp(): Promise<void> {
    const { kafka, topic, logger } = this.options;
    await this.ensureTopic();
    this.producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: () => () => 0 });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId: `schema-registry-reader-${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(new StoreError(`the reader of ${topic} stopped: ${payload.error.message}`, payload.error));
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachMessage: async ({ message }) => this.applyMessage(message) });
    this.running = true;
    const started = Date.now();
    await this.waitForEnd(this.options.startTimeoutMs ?? Math.max(60_000, this.options.writeTimeoutMs));
    logger.info({ topic, offset: this.appliedOffset, ms: Date.now() - started }, 'read the schemas topic to its end');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.rejectWaiters(new StoreError('the registry is shutting down'));
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  async append(records: RegistryRecord[]): Promise<ApplyOutcome[]> {
    const last = await this.produce(records);
    await this.waitFor(last, this.options.writeTimeoutMs);
    const first = last - records.length + 1;
    return records.map((_, i) => {
      const outcome = this.outcomes.get(first + i);
      return outcome ?? { applied: false, reason: `the outcome of offset ${first + i} is no longer known` };
    });
  }

  async sync(): Promise<void> {
    await this.waitForEnd(this.options.writeTimeoutMs);
  }

  private async waitForEnd(timeoutMs: number): Promise<void> {
    await this.waitFor(await this.produce([noopRecord()]), timeoutMs);
  }

  /** Produces records and returns the offset of the last one. */
  private async produce(records: RegistryRecord[]): Promise<number> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.running || this.producer === undefined) throw new StoreError('the store is not running');
    try {
      const [meta] = await this.producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: records.map((r) => ({ ...encodeRecord(r), partition: 0 })),
      });
      return Number(meta.baseOffset) + records.length - 1;
    } catch (error) {
      throw new StoreError(`writing to ${this.options.topic} failed: ${(error as Error).message}`, error);
    }
  }

  private waitFor(offset: number, timeoutMs: number): Promise<void> {
    if (this.appliedOffset >= offset) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        offset,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new StoreTimeoutError(timeoutMs));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private applyMessage(message: KafkaMessage): void {
    const offset = Number(message.offset);
    // A reader restarted after a crash starts again from the beginning (it commits nothing).
    if (offset <= this.appliedOffset) return;
    let outcome: ApplyOutcome;
    try {
      outcome = this.options.store.apply(decodeRecord(message.key, message.value));
    } catch (error) {
      outcome = { applied: false, reason: (error as Error).message };
    }
    if (!outcome.applied) this.options.logger.warn({ topic: this.options.topic, offset, reason: outcome.reason }, 'record not applied');
    this.appliedOffset = offset;
    this.outcomes.set(offset, outcome);
    if (this.outcomes.size > OUTCOMES_KEPT) this.outcomes.delete(this.outcomes.keys().next().value as number);
    const due = this.waiters.filter((w) => w.offset <= offset);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.offset > offset);
    for (const w of due) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    this.options.logger.error({ err: error }, 'schema store failed');
    this.rejectWaiters(error);
  }

  private rejectWaiters(error: Error): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiters = [];
  }

  /** One partition (a total order of writes) and compaction (the latest value per key is kept). */
  private async ensureTopic(): Promise<void> {
    const { kafka, topic, logger } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) {
        const created = await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
        });
        if (created) logger.info({ topic }, 'created the schemas topic');
      }
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions.length ?? 0;
      if (partitions !== 1) throw new StoreError(`topic ${topic} has ${partitions} partitions; the schemas topic needs exactly 1`);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
      });
      const policy = described.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? '';
      if (!policy.split(',').includes('compact')) {
        throw new StoreError(`topic ${topic} has cleanup.policy=${policy}; the schemas topic must be compacted (cleanup.policy=compact)`);
      }
    } finally {
      await admin.disconnect();
    }
  }
}
