import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@ids/observability';
import type { TopicSerdes } from '@ids/serdes';
import { CONTROL_HEADER } from '@ids/topology';
import { TimeOrderedMerge } from './time-ordered.merge';

/** A frame read back from a topic of packet records, as a capture reader yields it. */
export interface TopicFrame {
  tsUs: number;
  originalLength: number;
  linkType: number;
  data: Buffer;
}

export class ReplayTopicMissingError extends Error {
  readonly code = 'REPLAY_TOPIC_MISSING';
  readonly retriable = false;
  constructor(readonly topic: string) {
    super(`cannot replay topic ${topic}: it does not exist on the cluster`);
    this.name = 'ReplayTopicMissingError';
  }
}

export interface TopicFrameSourceOptions {
  /** Consumer group of the replay (default: a fresh one, deleted at the end). */
  groupId?: string;
  /** Records held per partition before it is paused (the merge waits on the slowest partition). */
  maxBufferedPerPartition?: number;
  logger?: Logger;
}

/** A record that was not a packet record: skipped, counted, and the first few named. */
export interface SkippedRecord { partition: number; offset: string; reason: string }

/**
 * Replays a topic of packet records (the `ids.packets.v1` schema: an archived or mirrored packets
 * topic) as capture frames, in time order across its partitions, up to the end each partition had
 * when the replay started. Each partition of the source is in time order (a capture writes it
 * so); the partitions are merged by time, so event time only moves forward in what comes out.
 * Event-time markers in the source are skipped: the capture source writes its own.
 */
export class TopicFrameSource implements AsyncIterable<TopicFrame> {
  readonly skipped: SkippedRecord[] = [];
  skippedCount = 0;
  read = 0;

  constructor(private readonly kafka: Kafka, private readonly serdes: TopicSerdes, readonly topic: string, private readonly o: TopicFrameSourceOptions = {}) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<TopicFrame> {
    const ends = await this.endOffsets();
    const merge = new TimeOrderedMerge<TopicFrame>([...ends.keys()], (f) => f.tsUs);
    for (const [p, end] of ends) if (end.high <= end.low) merge.finish(p);
    if (merge.done) return;

    const max = this.o.maxBufferedPerPartition ?? 20_000;
    const groupId = this.o.groupId ?? `ids-capture-replay-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
    const paused = new Set<number>();
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const notify = () => { const w = wake; wake = null; w?.(); };
    consumer.on(consumer.events.CRASH, (e) => { failure = e.payload.error; notify(); });
    // Every fetched batch ends here, also one of transaction markers only (never handed to
    // eachBatch): its last offset, markers included, tells when a partition has reached its end.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const end = ends.get(e.payload.partition);
      if (e.payload.topic !== this.topic || !end) return;
      if (BigInt(e.payload.lastOffset) >= end.high - 1n) merge.finish(e.payload.partition);
      notify();
    });

    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const p = batch.partition;
          const end = ends.get(p)!;
          if (merge.isFinished(p)) return;
          const frames: TopicFrame[] = [];
          for (const m of batch.messages) {
            // Records written after the replay started are not part of it.
            if (BigInt(m.offset) >= end.high) break;
            if (m.headers?.[CONTROL_HEADER] !== undefined) continue;
            const frame = await this.frameOf(p, m.offset, m.value);
            if (frame) frames.push(frame);
          }
          this.read += frames.length;
          merge.push(p, frames);
          if (BigInt(batch.lastOffset()) >= end.high - 1n) merge.finish(p);
          else if (merge.buffered(p) >= max && !paused.has(p)) {
            paused.add(p);
            consumer.pause([{ topic: this.topic, partitions: [p] }]);
          }
          notify();
        },
      });

      for (;;) {
        if (failure) throw failure;
        for (const frame of merge.take()) yield frame;
        if (merge.done) return;
        this.resumeDrained(consumer, merge, paused, max);
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    } finally {
      await consumer.disconnect().catch(() => undefined);
      if (!this.o.groupId) await this.deleteGroup(groupId);
    }
  }

  private async endOffsets(): Promise<Map<number, { low: bigint; high: bigint }>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(this.topic)) throw new ReplayTopicMissingError(this.topic);
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
    } finally {
      await admin.disconnect();
    }
  }

  private async frameOf(partition: number, offset: string, value: Buffer | null): Promise<TopicFrame | null> {
    try {
      const r = (await this.serdes.decodeValue(this.topic, value)) as { ts_us?: unknown; original_length?: unknown; link_type?: unknown; data?: unknown } | null;
      if (r === null) return null; // a tombstone
      if (typeof r.ts_us !== 'number' || typeof r.original_length !== 'number' || typeof r.link_type !== 'number' || !Buffer.isBuffer(r.data)) {
        throw new Error('not a packet record (ts_us, original_length, link_type, data)');
      }
      return { tsUs: r.ts_us, originalLength: r.original_length, linkType: r.link_type, data: r.data };
    } catch (error) {
      this.skippedCount++;
      const skipped = { partition, offset, reason: (error as Error).message };
      if (this.skipped.length < 10) this.skipped.push(skipped);
      this.o.logger?.warn({ topic: this.topic, ...skipped }, 'replay: skipped a record that is not a packet record');
      return null;
    }
  }

  private resumeDrained(consumer: Consumer, merge: TimeOrderedMerge<TopicFrame>, paused: Set<number>, max: number): void {
    for (const p of [...paused]) {
      if (merge.buffered(p) > max / 2) continue;
      paused.delete(p);
      consumer.resume([{ topic: this.topic, partitions: [p] }]);
    }
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // A group left behind holds no offsets of value (nothing was committed); never fail the replay for it.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
