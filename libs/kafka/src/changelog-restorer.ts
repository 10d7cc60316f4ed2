import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { StreamTask } from '@ids/topology';
import type { Logger } from '@ids/observability';
import { singlePartitionAssigner } from './single-partition.assigner';

export class ChangelogRestoreError extends Error {
  readonly code = 'CHANGELOG_RESTORE_FAILED';
  readonly retriable = true;
  constructor(readonly topic: string, message: string) {
    super(`restoring from ${topic}: ${message}`);
    this.name = 'ChangelogRestoreError';
  }
}

/**
 * Replays one partition of a compacted changelog topic into a task's store. KafkaJS has no manual
 * partition assignment, so a throwaway group whose assigner hands it only the task's partition
 * reads it.
 * Reading stops at the high watermark seen at the start (transaction markers at the end of the
 * log never arrive as data, but the batch that holds them still reports its last offset), or, as
 * a fallback, when the topic has been quiet for `quietMs` after the group was joined (long: on a
 * loaded broker a short quiet period could end a restore early and start the task with part of
 * its state).
 */
export async function restoreFromChangelog(
  kafka: Kafka, logger: Logger, task: StreamTask, topic: string, store: string,
  options: { quietMs?: number; timeoutMs?: number; heartbeat?: () => Promise<void> } = {},
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const high = Number(offsets.find((o) => o.partition === task.partition)?.high ?? '0');
  if (high === 0) return 0;
  const consumer = kafka.consumer({
    groupId: `ids-restore-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 200,
    partitionAssigners: [singlePartitionAssigner(topic, task.partition)],
  });
  let restored = 0;
  let lastActivity = Date.now();
  let joined = false;
  let done = false;
  // The quiet period counts from the moment the group is joined: a broker may delay the first
  // rebalance by seconds (group.initial.rebalance.delay.ms), and ending the restore then would
  // silently start the task with an empty store.
  consumer.on(consumer.events.GROUP_JOIN, () => { joined = true; lastActivity = Date.now(); });
  // Every fetched batch ends here, also one of transaction markers only (never handed to
  // eachBatch): its last offset, markers included, tells when the partition's end is reached, so
  // the quiet period is only a fallback.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    if (e.payload.topic === topic && e.payload.partition === task.partition && Number(e.payload.lastOffset) >= high - 1) done = true;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        lastActivity = Date.now();
        if (batch.partition !== task.partition) return;
        for (const m of batch.messages) {
          task.restore(store, m.key!.toString('utf8'), m.value === null ? null : m.value.toString('utf8'));
          restored++;
          if (Number(m.offset) >= high - 1) done = true;
        }
      },
    });
    const started = Date.now();
    const quietMs = options.quietMs ?? 10_000;
    const timeoutMs = options.timeoutMs ?? 120_000;
    let beat = Date.now();
    while (!done && !(joined && Date.now() - lastActivity >= quietMs)) {
      if (Date.now() - started > timeoutMs) throw new ChangelogRestoreError(topic, `partition ${task.partition} not restored within ${timeoutMs} ms`);
      // a large store takes longer than the stage group's session timeout to restore: stay a member
      if (options.heartbeat && Date.now() - beat > 3_000) {
        await options.heartbeat();
        beat = Date.now();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  logger.info({ task: task.id, topic, restored }, 'restored state store from changelog');
  return restored;
}
