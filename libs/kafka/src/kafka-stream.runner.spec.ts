import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { StageMetrics } from '@ids/observability';
import { TopologyBuilder } from '@ids/topology';
import { KafkaStreamRunner } from './kafka-stream.runner';

// The runner's reaction to KafkaJS's crash event, with a stand-in client (the runner's Kafka
// behaviour itself is tested against a real broker in the end-to-end tests).
function fakeKafka(): { kafka: Kafka; consumer: EventEmitter } {
  const consumer = Object.assign(new EventEmitter(), {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    connect: async () => {}, subscribe: async () => {}, run: async () => {}, disconnect: async () => {},
  });
  const producer = { connect: async () => {}, disconnect: async () => {} };
  return { kafka: { consumer: () => consumer, producer: () => producer } as unknown as Kafka, consumer };
}

async function startedRunner() {
  const { kafka, consumer } = fakeKafka();
  const topology = new TopologyBuilder('ids-test').addSource('in', 'in').addProcessor('p', () => ({ process() {} }), 'in').build();
  const runner = new KafkaStreamRunner({ kafka, serdes: {} as never, topology, instanceId: 'i', logger: pino({ level: 'silent' }), metrics: new StageMetrics('test', false), partitions: 1 });
  await runner.start();
  return { runner, consumer };
}

describe('KafkaStreamRunner on a consumer crash', () => {
  it('fails when KafkaJS gives the consumer up, naming the group and the error', async () => {
    const { runner, consumer } = await startedRunner();
    consumer.emit('consumer.crash', { payload: { error: new Error('coordinator gone'), groupId: 'ids-test', restart: false } });
    await expect(runner.failed).rejects.toMatchObject({ code: 'CONSUMER_STOPPED', groupId: 'ids-test', message: 'ids-test: consumer stopped: coordinator gone' });
    expect(runner.crashError?.message).toBe('coordinator gone');
  });

  it('carries on when KafkaJS restarts the consumer itself', async () => {
    const { runner, consumer } = await startedRunner();
    consumer.emit('consumer.crash', { payload: { error: new Error('rebalance in progress'), groupId: 'ids-test', restart: true } });
    const outcome = await Promise.race([runner.failed.then(() => 'failed', () => 'failed'), new Promise((r) => setTimeout(() => r('running'), 50))]);
    expect({ outcome, crash: runner.crashError }).toEqual({ outcome: 'running', crash: null });
  });
});
