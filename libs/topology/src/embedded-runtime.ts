import { TOPICS, type DeadLetterRecord } from '@ids/contracts';
import { InMemoryLog, type LogRecord } from './in-memory-log';
import { changelogTopicsOf } from './internal-topics';
import type { RecordWriter } from './record-writer';
import { StreamTask, type TaskOutput } from './stream-task';
import type { Topology } from './topology';

export interface EmbeddedRuntimeOptions {
  /** Records a task reads from one partition before it flushes and commits. */
  maxBatch?: number;
  /** Called for each record sent to the dead-letter topic. */
  onDeadLetter?: (letter: DeadLetterRecord) => void;
  /**
   * Keep the stores' changelogs in the log (default true), so that a runtime started again over
   * the same log restores them, as a restarted task does on Kafka. A one-off run over a capture
   * (`ids analyze`) turns them off: nothing would read them, and the log would hold every state
   * change of the run (each a JSON text) until the end.
   */
  changelogs?: boolean;
}

/**
 * Runs topologies in one process over an `InMemoryLog`. Each topology is a consumer group named
 * by its application id, with one task per input partition, exactly as on Kafka; records a task
 * writes are appended to the log, where the next topology reads them.
 */
export class EmbeddedRuntime {
  private readonly tasks = new Map<Topology, StreamTask[]>();
  private readonly maxBatch: number;
  private readonly changelogs: boolean;

  constructor(readonly log: InMemoryLog, readonly topologies: Topology[], private readonly options: EmbeddedRuntimeOptions = {}) {
    this.maxBatch = options.maxBatch ?? 4096;
    this.changelogs = options.changelogs ?? true;
  }

  /** Creates tasks for every input partition and restores their stores from the changelogs (when kept). */
  start(): void {
    for (const topology of this.topologies) {
      const partitions = this.inputPartitions(topology);
      const tasks = Array.from({ length: partitions }, (_, p) => new StreamTask(topology, p, partitions, { changelogs: this.changelogs }));
      this.tasks.set(topology, tasks);
      if (!this.changelogs) continue;
      for (const cl of changelogTopicsOf(topology, partitions)) this.log.createTopic(cl.name, cl.partitions);
      for (const cl of changelogTopicsOf(topology, partitions)) {
        for (const task of tasks) {
          const end = this.log.endOffset(cl.name, task.partition);
          for (const { record } of this.log.read(cl.name, task.partition, 0, end)) task.restore(cl.store, record.key!, record.value as string | null);
        }
      }
    }
  }

  /** A writer that appends to the log, for source drivers such as the capture. */
  get writer(): RecordWriter {
    return {
      write: (topic, partition, record) => { this.log.append(topic, partition, record); },
      flush: async () => {},
    };
  }

  /** Processes until no task has input left. */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      let progressed = false;
      for (const topology of this.topologies) {
        for (const task of this.tasks.get(topology) ?? []) {
          if (await this.step(topology, task)) progressed = true;
        }
        for (const topic of topology.sourceTopics) this.log.truncateConsumed(topic, this.groupsReading(topic));
      }
      if (!progressed) return;
    }
  }

  async close(): Promise<void> {
    for (const tasks of this.tasks.values()) for (const t of tasks) await t.close();
  }

  taskCounters(): Map<string, number> {
    const total = new Map<string, number>();
    for (const tasks of this.tasks.values()) {
      for (const t of tasks) for (const [k, v] of t.counters) total.set(`${t.topology.applicationId}:${k}`, (total.get(`${t.topology.applicationId}:${k}`) ?? 0) + v);
    }
    return total;
  }

  private async step(topology: Topology, task: StreamTask): Promise<boolean> {
    const group = topology.applicationId;
    const commits: [string, number][] = [];
    for (const topic of topology.sourceTopics) {
      const from = this.log.committed(group, topic, task.partition);
      const batch = this.log.read(topic, task.partition, from, this.maxBatch);
      if (batch.length === 0) continue;
      for (const { offset, record } of batch) task.process(topic, record, { topic, partition: task.partition, offset });
      commits.push([topic, batch[batch.length - 1].offset + 1]);
    }
    if (commits.length === 0) return false;
    this.write(topology, await task.flush());
    for (const [topic, next] of commits) this.log.commit(group, topic, task.partition, next);
    return true;
  }

  private write(topology: Topology, out: TaskOutput): void {
    for (const r of out.records) {
      const record: LogRecord = { key: r.key, value: r.value, timestampUs: r.timestampUs, control: r.control };
      this.log.append(r.topic, r.partition, record);
    }
    for (const c of out.changelog) this.log.append(c.topic, c.partition, { key: c.key, value: c.value, timestampUs: 0 });
    for (const d of out.deadLetters) {
      const letter: DeadLetterRecord = {
        ts_us: Date.now() * 1000,
        stage: topology.applicationId,
        source_topic: d.origin?.topic ?? '',
        source_partition: d.origin?.partition ?? -1,
        source_offset: d.origin?.offset ?? -1,
        error_code: d.errorCode,
        reason: d.reason,
        key: d.key === null ? null : Buffer.from(d.key),
        value: null,
      };
      if (this.log.hasTopic(TOPICS.dlq.name)) this.log.append(TOPICS.dlq.name, 0, { key: d.key, value: letter, timestampUs: letter.ts_us });
      this.options.onDeadLetter?.(letter);
    }
  }

  private inputPartitions(topology: Topology): number {
    const counts = new Set(topology.sourceTopics.map((t) => this.log.partitions(t)));
    if (counts.size !== 1) throw new Error(`topology ${topology.applicationId}: source topics are not co-partitioned (${[...counts].join(', ')} partitions)`);
    return [...counts][0];
  }

  private groupsReading(topic: string): string[] {
    return this.topologies.filter((t) => t.sourceTopics.includes(topic)).map((t) => t.applicationId);
  }
}
