import { EventEmitter } from 'node:events';
import { AssignerProtocol, type EachBatchPayload, type Kafka, type PartitionAssigner } from 'kafkajs';
import pino from 'pino';
import { StageMetrics } from '@ids/observability';
import { TopologyBuilder } from '@ids/topology';
import { KafkaStreamRunner } from './kafka-stream.runner';

// The runner's reactions to KafkaJS's events, with a stand-in client (the runner's Kafka
// behaviour itself is tested against a real broker in the end-to-end tests).
function fakeKafka() {
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  let assigners: PartitionAssigner[] = [];
  /** What the group has committed, per topic and partition, as the admin client answers it. */
  const committed = new Map<string, string>();
  const consumer = Object.assign(new EventEmitter(), {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    connect: async () => {}, subscribe: async () => {}, disconnect: async () => {},
    run: async (o: { eachBatch: typeof eachBatch }) => { eachBatch = o.eachBatch; },
  });
  const transaction = async () => {
    let offsets: { topic: string; partitions: { partition: number; offset: string }[] }[] = [];
    return {
      send: async () => {}, abort: async () => {},
      sendOffsets: async (o: { topics: typeof offsets }) => { offsets = o.topics; },
      commit: async () => { for (const t of offsets) for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, p.offset); },
    };
  };
  const producer = { connect: async () => {}, disconnect: async () => {}, transaction };
  const admin = {
    connect: async () => {}, disconnect: async () => {},
    fetchTopicOffsets: async () => [0, 1].map((partition) => ({ partition, offset: '0', high: '0', low: '0' })), // changelogs empty

    fetchOffsets: async ({ topics }: { topics: string[] }) => topics.map((topic) => ({
      topic, partitions: [0, 1].map((partition) => ({ partition, offset: committed.get(`${topic}/${partition}`) ?? '-1' })),
    })),
  };
  const kafka = {
    consumer: (o: { partitionAssigners: PartitionAssigner[] }) => { assigners = o.partitionAssigners; return consumer; },
    producer: () => producer, admin: () => admin,
  } as unknown as Kafka;
  const batch = async (topic: string, partition: number, offset: number) => eachBatch!({
    batch: { topic, partition, highWatermark: String(offset + 1), messages: [{ offset: String(offset), key: null, value: Buffer.from('x'), headers: {}, timestamp: '0' }] },
    resolveOffset: () => {}, heartbeat: async () => {}, isRunning: () => true, isStale: () => false,
  } as unknown as EachBatchPayload);
  const join = (assignment: Record<string, number[]>) => consumer.emit('consumer.group_join', { payload: { memberAssignment: assignment } });
  return { kafka, consumer, committed, batch, join, assigners: () => assigners };
}

async function startedRunner() {
  const fake = fakeKafka();
  let tasksCreated = 0;
  const topology = new TopologyBuilder('ids-test').addSource('in', 'in').addProcessor('p', () => { tasksCreated++; return { process() {} }; }, 'in').build();
  const serdes = { decodeValue: async (_t: string, v: Buffer) => v.toString() };
  const runner = new KafkaStreamRunner({ kafka: fake.kafka, serdes: serdes as never, topology, instanceId: 'i', logger: pino({ level: 'silent' }), metrics: new StageMetrics('test', false), partitions: 2 });
  await runner.start();
  return { runner, ...fake, tasksCreated: () => tasksCreated };
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

describe('KafkaStreamRunner across rebalances', () => {
  it('keeps the task of a partition it still owns when nobody committed for it meanwhile', async () => {
    const r = await startedRunner();
    r.join({ in: [0, 1] });
    await r.batch('in', 0, 0);
    expect(r.tasksCreated()).toBe(1);
    r.join({ in: [0] });
    await r.batch('in', 0, 1);
    expect(r.tasksCreated()).toBe(1);
  });

  it('rebuilds it when the partition was processed elsewhere between two generations', async () => {
    const r = await startedRunner();
    r.join({ in: [0] });
    await r.batch('in', 0, 0);
    r.join({ in: [0] });
    r.committed.set('in/0', '5'); // another member held it and committed up to 5
    await r.batch('in', 0, 5);
    expect(r.tasksCreated()).toBe(2);
  });

  it('drops the task of a partition assigned elsewhere, so that it is rebuilt when it comes back', async () => {
    const r = await startedRunner();
    r.join({ in: [0] });
    await r.batch('in', 0, 0);
    r.join({ in: [1] });
    r.join({ in: [0, 1] });
    await r.batch('in', 0, 1);
    expect(r.tasksCreated()).toBe(2);
  });

  it('tells the group leader, through its assigner, which partitions it owns', async () => {
    const r = await startedRunner();
    const subscription = () => {
      const assigner = r.assigners()[0]({ cluster: {} as never, groupId: 'ids-test', logger: {} as never });
      return JSON.parse(AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['in'] }).metadata)!.userData.toString()) as unknown;
    };
    expect(subscription()).toEqual({ owned: [] });
    r.join({ in: [1, 0] });
    expect(subscription()).toEqual({ owned: [0, 1] });
  });
});
