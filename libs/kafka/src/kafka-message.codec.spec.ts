import type { KafkaMessage } from 'kafkajs';
import { endOfInput, watermark, type StreamRecord } from '@ids/topology';
import type { TopicSerdes } from '@ids/serdes';
import { fromKafkaMessage, toKafkaMessage } from './kafka-message.codec';

// Markers carry no value, so the serdes is never asked: one that throws proves it.
const serdes = new Proxy({}, { get: () => () => { throw new Error('markers must not touch the serdes'); } }) as unknown as TopicSerdes;

describe('event-time markers as Kafka messages', () => {
  it.each<[string, StreamRecord<null, null>]>([
    ['a watermark of the capture', watermark(1_700_000_000_000_001)],
    ['a watermark of a task', watermark(42, { id: 'ids-flows-3', count: 12 })],
    ['an end-of-input without a round', endOfInput(7)],
    ['an end-of-input of a replay round', endOfInput(7, { round: 'capture.pcap@host-1' })],
    ['an end-of-input of a round, from a task', endOfInput(9, { producer: { id: 'ids-fusion-0', count: 12 }, round: 'r1' })],
  ])('round-trips %s through headers', async (_what, record) => {
    const message = await toKafkaMessage(serdes, { topic: 't', partition: 3, ...record });
    expect(message.value).toBeNull();
    const received = { ...message, offset: '0', timestamp: '0', attributes: 0, size: 0 } as unknown as KafkaMessage;
    expect(await fromKafkaMessage(serdes, 't', received)).toEqual({ key: null, value: null, timestampUs: record.timestampUs, control: record.control });
  });
});
