import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { StreamTask, TopologyBuilder } from '@ids/topology';
import { ChangelogRestoreError, restoreFromChangelog } from './changelog-restorer';

// The restore's own loop with a stand-in client whose changelog never delivers its end (the
// restore itself is tested against a real broker in the end-to-end restart tests).
function stalledKafka(): Kafka {
  const consumer = Object.assign(new EventEmitter(), {
    events: { GROUP_JOIN: 'consumer.group_join', END_BATCH_PROCESS: 'consumer.end_batch_process' },
    connect: async () => {}, subscribe: async () => {}, run: async () => {}, disconnect: async () => {},
  });
  const admin = { connect: async () => {}, disconnect: async () => {}, fetchTopicOffsets: async () => [{ partition: 0, offset: '10', high: '10', low: '0' }] };
  return { consumer: () => consumer, admin: () => admin } as unknown as Kafka;
}

describe('restoreFromChangelog', () => {
  const task = () => new StreamTask(new TopologyBuilder('ids-test').addSource('in', 'in').addProcessor('p', () => ({ process() {} }), 'in').build(), 0, 1);

  it('heartbeats the stage\'s group while a restore runs, so a long one does not cost the membership', async () => {
    let beats = 0;
    const restore = restoreFromChangelog(stalledKafka(), pino({ level: 'silent' }), task(), 'ids-test-markers-changelog', 'markers', {
      quietMs: 60_000, timeoutMs: 3_500, heartbeat: async () => { beats++; },
    });
    await expect(restore).rejects.toThrow(ChangelogRestoreError);
    expect(beats).toBe(1);
  });

  it('stops the restore when the heartbeat fails (the group is rebalancing: the batch is stale)', async () => {
    const restore = restoreFromChangelog(stalledKafka(), pino({ level: 'silent' }), task(), 'ids-test-markers-changelog', 'markers', {
      quietMs: 60_000, timeoutMs: 10_000, heartbeat: async () => { throw new Error('The group is rebalancing, so a rejoin is needed'); },
    });
    await expect(restore).rejects.toThrow('rebalancing');
  });
});
