/**
 * A record flowing through a topology. `timestampUs` is event time. A record with `control`
 * set carries no data: it is an event-time marker that the capture writes into every partition
 * (like a Flink watermark), so windows and timeouts advance on event time alone and the same input
 * gives the same output on every runtime and on a replay.
 */
export type ControlMarker =
  | { kind: 'watermark'; watermarkUs: number; producer?: MarkerProducer }
  | { kind: 'end-of-input'; producer?: MarkerProducer; round?: string };

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

/**
 * The end of one input: `round` names it (the capture id of a replay), so that a joining stage
 * ends when every one of its input topics has ended the same round. A replay that reached only
 * some inputs (a stage not running, a rules-only run) leaves its round open there and cannot end
 * another replay's input early.
 */
export function endOfInput(timestampUs: number, o: { producer?: MarkerProducer; round?: string } = {}): StreamRecord<null, null> {
  const control: ControlMarker = { kind: 'end-of-input' };
  if (o.producer) control.producer = o.producer;
  if (o.round !== undefined && o.round !== '') control.round = o.round;
  return { key: null, value: null, timestampUs, control };
}

/** Kafka header names for control markers: a stock consumer sees a record with a null value. */
export const CONTROL_HEADER = 'ids-control';
export const WATERMARK_HEADER = 'ids-watermark-us';
export const PRODUCER_HEADER = 'ids-producer';
export const PRODUCER_COUNT_HEADER = 'ids-producers';
export const ROUND_HEADER = 'ids-round';
