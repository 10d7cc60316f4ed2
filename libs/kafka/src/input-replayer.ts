import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@ids/observability';
import type { TopicSerdes } from '@ids/serdes';
import type { StreamTask } from '@ids/topology';
import { fromKafkaMessage } from './kafka-message.codec';
import { singlePartitionAssigner } from './single-partition.assigner';

export class InputReplayError extends Error {
  readonly code = 'INPUT_REPLAY_FAILED';
  readonly retriable = true;
  constructor(readonly topic: string, readonly partition: number, message: string) {
    super(`replaying ${topic}[${partition}]: ${message}`);
    this.name = 'InputReplayError';
  }
}

export interface InputReplayRange {
  topic: string;
  /** First offset to replay (the task's replayFrom()). */
  from: number;
  /** The committed offset: records from here on are the stage's to process, not the replay's. */
  until: number;
}

/**
 * Reads `topic`'s partition `task.partition` again from `from` up to (not including) `until` into
 * `task` in replay mode (StreamTask.beginReplay), so that its in-memory state is what it was at
 * the commit. As with changelog restores, KafkaJS has no manual assignment: a throwaway group
 * assigned only the task's partition joins at its end and is moved to `from`. Records that do not
 * decode are skipped (they went to the dead-letter topic the first time). `heartbeat` keeps the
 * stage's own group membership alive during a long replay.
 *
 * A replay that cannot finish (the range deleted by retention, the broker gone for `timeoutMs`)
 * rejects with InputReplayError; the task has then ended the replay with what it read.
 */
export async function replayInput(
  kafka: Kafka, serdes: TopicSerdes, logger: Logger, task: StreamTask, range: InputReplayRange,
  heartbeat: () => Promise<void>, options: { timeoutMs?: number } = {},
): Promise<number> {
  const { topic, until } = range;
  const partition = task.partition;
  const admin = kafka.admin();
  await admin.connect();
  const low = Number((await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())).find((o) => o.partition === partition)?.low ?? '0');
  // what retention deleted is gone: replay what is left of the range
  const from = Math.max(range.from, low);
  if (until <= from) return 0;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const consumer = kafka.consumer({
    groupId: `ids-replay-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 200, maxBytesPerPartition: 4 * 1024 * 1024,
    partitionAssigners: [singlePartitionAssigner(topic, partition)],
  });
  // Batches fetched before the seek start at the end of the log (at or after `until`): only a
  // record inside the range proves the consumer reads from `from`.
  let inRange = false;
  let done = false;
  // A fetched batch of transaction markers only never reaches eachBatch, but reports its last
  // offset here: the end of the range may be such a marker.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    if (inRange && e.payload.topic === topic && e.payload.partition === partition && Number(e.payload.lastOffset) >= until - 1) done = true;
  });
  const started = Date.now();
  task.beginReplay();
  let replayed = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition || done) return;
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset < from || offset >= until) continue;
          inRange = true;
          try {
            task.process(topic, await fromKafkaMessage(serdes, topic, m), { topic, partition, offset });
          } catch {
            // undecodable: dead-lettered when it was first read
          }
          if (offset >= until - 1) done = true;
        }
      },
    });
    consumer.seek({ topic, partition, offset: String(from) });
    let beat = Date.now();
    while (!done) {
      if (Date.now() - started > timeoutMs) throw new InputReplayError(topic, partition, `offsets ${from}..${until - 1} not read within ${timeoutMs} ms`);
      if (Date.now() - beat > 3_000) {
        await heartbeat();
        beat = Date.now();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    replayed = await task.endReplay();
  }
  logger.info({ task: task.id, topic, from, until, replayed, ms: Date.now() - started }, 'rebuilt in-memory state by replaying input');
  return replayed;
}
