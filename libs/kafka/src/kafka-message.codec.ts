import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { CONTROL_HEADER, PRODUCER_COUNT_HEADER, PRODUCER_HEADER, ROUND_HEADER, WATERMARK_HEADER, type ControlMarker, type MarkerProducer, type OutputRecord } from '@ids/topology';
import { decodeKey, encodeKey, type TopicSerdes } from '@ids/serdes';

const TIMESTAMP_HEADER = 'ids-ts-us';

/**
 * A runtime record as a Kafka message. Event time travels in the value and in the `ids-ts-us`
 * header; the Kafka timestamp stays the time of writing, because retention is measured on it:
 * stamping a replayed capture from last year with its capture time would let retention delete
 * it the moment it is written.
 */
export async function toKafkaMessage(serdes: TopicSerdes, r: Pick<OutputRecord, 'topic' | 'partition' | 'key' | 'value' | 'timestampUs' | 'control'>): Promise<Message> {
  const headers: IHeaders = { [TIMESTAMP_HEADER]: String(r.timestampUs) };
  if (r.control) {
    headers[CONTROL_HEADER] = r.control.kind;
    if (r.control.kind === 'watermark') headers[WATERMARK_HEADER] = String(r.control.watermarkUs);
    if (r.control.kind === 'end-of-input' && r.control.round !== undefined) headers[ROUND_HEADER] = r.control.round;
    if (r.control.producer) {
      headers[PRODUCER_HEADER] = r.control.producer.id;
      headers[PRODUCER_COUNT_HEADER] = String(r.control.producer.count);
    }
  }
  return {
    partition: r.partition,
    key: encodeKey(r.key),
    value: r.control ? null : await serdes.encodeValue(r.topic, r.value),
    headers,
  };
}

export interface DecodedMessage { key: string | null; value: unknown; timestampUs: number; control?: ControlMarker }

export async function fromKafkaMessage(serdes: TopicSerdes, topic: string, m: KafkaMessage): Promise<DecodedMessage> {
  const header = (name: string) => {
    const h = m.headers?.[name];
    return h === undefined ? undefined : Array.isArray(h) ? String(h[0]) : String(h);
  };
  const ts = header(TIMESTAMP_HEADER);
  const timestampUs = ts !== undefined ? Number(ts) : Number(m.timestamp) * 1000;
  const kind = header(CONTROL_HEADER);
  const key = decodeKey(m.key);
  const producerId = header(PRODUCER_HEADER);
  const producer: MarkerProducer | undefined = producerId === undefined ? undefined : { id: producerId, count: Number(header(PRODUCER_COUNT_HEADER) ?? 1) };
  const withProducer = <C extends ControlMarker>(c: C): C => (producer ? { ...c, producer } : c);
  if (kind === 'watermark') return { key, value: null, timestampUs, control: withProducer({ kind, watermarkUs: Number(header(WATERMARK_HEADER)) }) };
  if (kind === 'end-of-input') {
    const round = header(ROUND_HEADER);
    return { key, value: null, timestampUs, control: withProducer(round === undefined ? { kind } : { kind, round }) };
  }
  return { key, value: await serdes.decodeValue(topic, m.value), timestampUs };
}
