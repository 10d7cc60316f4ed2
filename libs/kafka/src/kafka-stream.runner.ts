import { Partitioners, type Admin, type Consumer, type EachBatchPayload, type Kafka, type Message, type Producer } from 'kafkajs';
import { TOPICS, type DeadLetterRecord } from '@ids/contracts';
import { changelogTopicsOf, StreamTask, type TaskOutput, type Topology } from '@ids/topology';
import type { TopicSerdes } from '@ids/serdes';
import type { Logger, StageMetrics } from '@ids/observability';
import { fromKafkaMessage, toKafkaMessage } from './kafka-message.codec';
import { restoreFromChangelog } from './changelog-restorer';
import { replayInput } from './input-replayer';
import { splitByBytes } from './message-batch.budget';
import { taskEventLabel } from './task-event.label';
import { coPartitionedAssigner } from './co-partitioned.assigner';

/** KafkaJS gave a stage's consumer up: the stage consumes nothing any more. */
export class ConsumerStoppedError extends Error {
  readonly code = 'CONSUMER_STOPPED';
  constructor(readonly groupId: string, override readonly cause: Error) {
    super(`${groupId}: consumer stopped: ${cause.message}`);
    this.name = 'ConsumerStoppedError';
  }
}

/** A task with the input positions its state stands for. */
interface HeldTask {
  readonly task: StreamTask;
  /** Per source topic: the group's committed offset the task's state corresponds to ('-1': none). */
  readonly positions: Map<string, string>;
  /** The group generation (counted locally) in which the positions were last confirmed. */
  confirmedIn: number;
}

export interface KafkaStreamRunnerOptions {
  kafka: Kafka;
  serdes: TopicSerdes;
  topology: Topology;
  instanceId: string;
  logger: Logger;
  metrics: StageMetrics;
  /** Input partitions (data topics are co-partitioned). */
  partitions: number;
}

/**
 * Runs one topology as a member of the consumer group named by its application id. Each fetched
 * batch is processed by the partition's task; its output records, changelog entries, dead letters
 * and the input offsets are then written in one Kafka transaction, so a stage killed at any point
 * neither loses nor duplicates a record, and a restarted stage restores its stores from the
 * changelog (read committed).
 */
export class KafkaStreamRunner {
  private consumer?: Consumer;
  private producer?: Producer;
  private admin?: Admin;
  private readonly tasks = new Map<number, HeldTask>();
  private readonly restoring = new Map<number, Promise<HeldTask>>();
  /** Partitions this member was given at its last join (sent to the leader at the next one). */
  private owned: number[] = [];
  private generation = 0;
  /** Per task: the counter values already exported. */
  private readonly exported = new WeakMap<StreamTask, Map<string, number>>();
  private crash: Error | null = null;
  private crashed!: (error: Error) => void;
  /**
   * Rejects when the consumer stops for good (KafkaJS gave up: a crash it does not restart from).
   * Never resolves: the process should exit, so that its supervisor starts a fresh one, rather
   * than stay up consuming nothing.
   */
  readonly failed = new Promise<never>((_resolve, reject) => { this.crashed = reject; });

  constructor(private readonly o: KafkaStreamRunnerOptions) {
    this.failed.catch(() => undefined); // observed by the stage host; never an unhandled rejection here
  }

  /** Why the consumer stopped for good, or null while it runs. */
  get crashError(): Error | null {
    return this.crash;
  }

  get groupId(): string { return this.o.topology.applicationId; }

  async start(): Promise<void> {
    const { kafka, topology, instanceId } = this.o;
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, transactionalId: `${topology.applicationId}-${instanceId}`, idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.admin = kafka.admin();
    await this.admin.connect();
    this.consumer = kafka.consumer({
      groupId: this.groupId, readUncommitted: false, maxBytesPerPartition: 4 * 1024 * 1024,
      partitionAssigners: [coPartitionedAssigner(() => this.owned)],
    });
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return; // KafkaJS restarts the consumer itself
      this.crash = payload.error;
      this.o.logger.error({ group: this.groupId, err: payload.error.message }, 'consumer stopped for good');
      this.crashed(new ConsumerStoppedError(this.groupId, payload.error));
    });
    await this.consumer.subscribe({ topics: [...topology.sourceTopics], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
    this.o.logger.info({ group: this.groupId, topics: topology.sourceTopics }, 'stage consuming');
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    for (const t of this.tasks.values()) await t.task.close();
  }

  /**
   * A new generation: tasks of partitions that went elsewhere are dropped (a partition coming
   * back is restored from its changelog); the others are kept, to be confirmed against the
   * group's committed offsets before their next batch (`taskFor`), so that a rebalance costs a
   * restore only where a partition moved.
   */
  private onJoin(assignment: Record<string, number[]>): void {
    this.generation++;
    this.owned = [...new Set(Object.values(assignment).flat())].sort((a, b) => a - b);
    const owned = new Set(this.owned);
    for (const partition of [...this.tasks.keys()]) if (!owned.has(partition)) this.tasks.delete(partition);
    this.restoring.clear();
    this.o.logger.info({ group: this.groupId, partitions: this.owned, kept: [...this.tasks.keys()] }, 'partitions assigned');
  }

  /** The group's committed offsets of the task's input topics for its partition. */
  private async committedPositions(partition: number): Promise<Map<string, string>> {
    const topics = [...this.o.topology.sourceTopics];
    const fetched = await this.admin!.fetchOffsets({ groupId: this.groupId, topics });
    const positions = new Map<string, string>();
    for (const { topic, partitions } of fetched) positions.set(topic, partitions.find((p) => p.partition === partition)?.offset ?? '-1');
    return positions;
  }

  /**
   * Whether a task held from an earlier generation still stands for the committed state: every
   * state change is committed with its input offsets in one transaction, so if no offset of its
   * partition moved, nobody else processed (and changed the stores of) that partition meanwhile.
   * These are the offsets the consumer itself resumes from.
   */
  private async confirm(partition: number, held: HeldTask): Promise<boolean> {
    const now = await this.committedPositions(partition);
    const same = [...now].every(([topic, offset]) => (held.positions.get(topic) ?? '-1') === offset);
    this.o.logger.info({ task: held.task.id, positions: Object.fromEntries(now), held: Object.fromEntries(held.positions) }, same ? 'task kept across rebalance' : 'task rebuilt: its partition was processed elsewhere meanwhile');
    if (same) held.confirmedIn = this.generation;
    return same;
  }

  /**
   * The partition's task; a new one is restored from its changelogs first and, for a topology
   * rebuilt by replay, given its input again from its checkpoint up to `committed` (the first
   * offset of the batch that needs it: where the group's committed position put the consumer).
   */
  private async taskFor(partition: number, topic: string, committed: number, heartbeat: () => Promise<void>): Promise<HeldTask> {
    const existing = this.tasks.get(partition);
    if (existing && (existing.confirmedIn === this.generation || await this.confirm(partition, existing))) return existing;
    if (existing) this.dropTask(partition);
    let pending = this.restoring.get(partition);
    if (!pending) {
      const generation = this.generation;
      pending = (async () => {
        // read before the restore: a change committed meanwhile makes the next confirmation fail
        const positions = await this.committedPositions(partition);
        const task = new StreamTask(this.o.topology, partition, this.o.partitions);
        for (const cl of changelogTopicsOf(this.o.topology, this.o.partitions)) {
          await restoreFromChangelog(this.o.kafka, this.o.logger, task, cl.name, cl.store, { heartbeat });
        }
        const from = task.replayFrom();
        if (from !== null && from < committed) {
          try {
            await replayInput(this.o.kafka, this.o.serdes, this.o.logger, task, { topic, from, until: committed }, heartbeat);
          } catch (error) {
            // The state is then rebuilt only in part (streams in progress are picked up mid-way,
            // as before replays existed): said loudly, but no reason to stop consuming.
            task.counters.set('replay-incomplete', (task.counters.get('replay-incomplete') ?? 0) + 1);
            this.o.logger.warn({ task: task.id, topic, from, until: committed, err: (error as Error).message }, 'replay of input incomplete; in-memory state rebuilt in part');
          }
        }
        const held: HeldTask = { task, positions, confirmedIn: generation };
        if (generation === this.generation) this.tasks.set(partition, held);
        return held;
      })();
      this.restoring.set(partition, pending);
      // a failed restore is tried again with the batch, not answered from this promise forever
      pending.catch(() => { if (this.restoring.get(partition) === pending) this.restoring.delete(partition); });
    }
    return pending;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const held = await this.taskFor(partition, topic, Number(batch.messages[0].offset), heartbeat);
    const { task } = held;
    const rawDeadLetters: Message[] = [];
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) {
        // Part of the batch was applied but will not be committed: rebuild the task from its
        // changelog before these records come again.
        this.dropTask(partition);
        return;
      }
      const origin = { topic, partition, offset: Number(m.offset) };
      try {
        const decoded = await fromKafkaMessage(this.o.serdes, topic, m);
        task.process(topic, decoded, origin);
      } catch (error) {
        rawDeadLetters.push(await this.deadLetterMessage(this.letter(origin, error, m.key, m.value)));
      }
    }
    this.o.metrics.recordsIn.inc({ stage: this.groupId, topic }, batch.messages.length);
    const end = this.o.metrics.commitSeconds.startTimer({ stage: this.groupId });
    const lastOffset = batch.messages[batch.messages.length - 1].offset;
    try {
      const out = await task.flush();
      await this.commit(out, rawDeadLetters, topic, partition, lastOffset);
      held.positions.set(topic, String(Number(lastOffset) + 1));
    } catch (error) {
      // The task has applied records whose effects were not committed: rebuild it from the
      // changelog before the batch is fetched again.
      this.dropTask(partition);
      throw error;
    } finally {
      end();
    }
    resolveOffset(lastOffset);
    // What is left after this batch, as the broker knew the partition's end when it was fetched.
    this.o.metrics.lag.set({ stage: this.groupId, topic, partition: String(partition) }, Math.max(0, Number(batch.highWatermark) - Number(lastOffset) - 1));
    this.exportCounters(task);
    await heartbeat();
  }

  /** The task's own counters since the last committed batch, as `ids_task_events_total`. */
  private exportCounters(task: StreamTask): void {
    const seen = this.exported.get(task) ?? new Map<string, number>();
    for (const [event, n] of task.counters) {
      const delta = n - (seen.get(event) ?? 0);
      if (delta > 0) this.o.metrics.taskEvents.inc({ stage: this.groupId, event: taskEventLabel(event) }, delta);
      seen.set(event, n);
    }
    this.exported.set(task, seen);
  }

  private dropTask(partition: number): void {
    this.tasks.delete(partition);
    this.restoring.delete(partition);
  }

  private async commit(out: TaskOutput, rawDeadLetters: Message[], topic: string, partition: number, lastOffset: string): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const add = (t: string, m: Message) => { const l = byTopic.get(t) ?? []; l.push(m); byTopic.set(t, l); };
    for (const r of out.records) add(r.topic, await toKafkaMessage(this.o.serdes, r));
    for (const c of out.changelog) add(c.topic, { partition: c.partition, key: c.key, value: c.value });
    for (const d of out.deadLetters) {
      const value = d.value === null || d.value === undefined ? null : Buffer.from(JSON.stringify(d.value, (_k, v) => (v?.type === 'Buffer' ? `<${v.data.length} bytes>` : v)));
      add(TOPICS.dlq.name, await this.deadLetterMessage(this.letter(d.origin!, { code: d.errorCode, message: d.reason }, d.key === null ? null : Buffer.from(d.key), value)));
    }
    for (const m of rawDeadLetters) add(TOPICS.dlq.name, m);
    const tx = await this.producer!.transaction();
    try {
      for (const [t, messages] of byTopic) {
        for (const chunk of splitByBytes(messages)) await whileTransactionBusy(() => tx.send({ topic: t, messages: chunk }));
        if (!t.endsWith('-changelog')) this.o.metrics.recordsOut.inc({ stage: this.groupId, topic: t }, messages.length);
      }
      await whileTransactionBusy(() => tx.sendOffsets({ consumerGroupId: this.groupId, topics: [{ topic, partitions: [{ partition, offset: String(Number(lastOffset) + 1) }] }] }));
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
  }

  private letter(origin: { topic: string; partition: number; offset: number }, error: unknown, key: Buffer | null, value: Buffer | null): DeadLetterRecord {
    const e = error as { code?: string; message?: string };
    const code = typeof e?.code === 'string' ? e.code : 'PROCESSOR_FAILED';
    this.o.metrics.recordsFailed.inc({ stage: this.groupId, reason: code });
    this.o.logger.warn({ ...origin, code, reason: e?.message }, 'record sent to the dead-letter topic');
    return {
      ts_us: Date.now() * 1000, stage: this.groupId, source_topic: origin.topic, source_partition: origin.partition,
      source_offset: origin.offset, error_code: code, reason: e?.message ?? String(error), key, value,
    };
  }

  private async deadLetterMessage(letter: DeadLetterRecord): Promise<Message> {
    return { partition: 0, key: letter.key, value: await this.o.serdes.encodeValue(TOPICS.dlq.name, letter) };
  }
}

const CONCURRENT_TRANSACTIONS = 'CONCURRENT_TRANSACTIONS';
const BUSY_DEADLINE_MS = 60_000;

/**
 * Retries a step of a transaction the coordinator refused with CONCURRENT_TRANSACTIONS: right
 * after a commit, the coordinator still writes the previous transaction's markers (to every
 * partition it touched), and until it is done it refuses AddPartitionsToTxn / AddOffsetsToTxn.
 * Java's producer retries that quietly; KafkaJS gives up on AddOffsetsToTxn after a few tries,
 * which failed the batch and restarted the consumer on a busy broker. The refused request
 * changed nothing, so repeating it is safe.
 */
export async function whileTransactionBusy<T>(step: () => Promise<T>, deadlineMs = BUSY_DEADLINE_MS): Promise<T> {
  const started = Date.now();
  for (let wait = 20; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await step();
    } catch (error) {
      const e = error as { type?: string; cause?: { type?: string } };
      const busy = e?.type === CONCURRENT_TRANSACTIONS || e?.cause?.type === CONCURRENT_TRANSACTIONS;
      if (!busy || Date.now() - started > deadlineMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
