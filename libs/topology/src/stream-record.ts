/**
 * A record flowing through a topology. `timestampUs` is event time. A record with `control`
 * set carries no data: it is an event-time marker that the capture writes into every partition
 * (like a Flink watermark), so windows and timeouts advance on event time alone and the same input
 * gives the same output on every runtime and on a replay.
 */
export type ControlMarker =
  | { kind: 'watermark'; watermarkUs: number; producer?: MarkerProducer }
  | { kind: 'end-of-input'; producer?: MarkerProducer };

/**
 * Who wrote a marker, when several writers feed one partition (every task of an upstream
 * topology writes its markers into every partition of its sinks, as a repartition needs). A reader
 * takes a topic's watermark as the lowest of `count` producers, and its end of input when all
 * `count` have ended. A marker without a producer comes from the only writer (the capture).
 */
export interface MarkerProducer {
  id: string;
  count: number;
}

export interface StreamRecord<K = unknown, V = unknown> {
  key: K | null;
  value: V | null;
  timestampUs: number;
  control?: ControlMarker;
}

/** Where a record came from, for dead letters and logs. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: number;
}

export function watermark(watermarkUs: number, producer?: MarkerProducer): StreamRecord<null, null> {
  return { key: null, value: null, timestampUs: watermarkUs, control: producer ? { kind: 'watermark', watermarkUs, producer } : { kind: 'watermark', watermarkUs } };
}

export function endOfInput(timestampUs: number, producer?: MarkerProducer): StreamRecord<null, null> {
  return { key: null, value: null, timestampUs, control: producer ? { kind: 'end-of-input', producer } : { kind: 'end-of-input' } };
}

/** Kafka header names for control markers: a stock consumer sees a record with a null value. */
export const CONTROL_HEADER = 'ids-control';
export const WATERMARK_HEADER = 'ids-watermark-us';
export const PRODUCER_HEADER = 'ids-producer';
export const PRODUCER_COUNT_HEADER = 'ids-producers';
