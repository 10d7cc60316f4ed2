/**
 * A record flowing through a topology. `timestampUs` is event time. A record with `control`
 * set carries no data: it is an event-time marker that the capture writes into every partition
 * (like a Flink watermark), so windows and timeouts advance on event time alone and the same input
 * gives the same output on every runtime and on a replay.
 */
export type ControlMarker = { kind: 'watermark'; watermarkUs: number } | { kind: 'end-of-input' };

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

export function watermark(watermarkUs: number): StreamRecord<null, null> {
  return { key: null, value: null, timestampUs: watermarkUs, control: { kind: 'watermark', watermarkUs } };
}

export function endOfInput(timestampUs: number): StreamRecord<null, null> {
  return { key: null, value: null, timestampUs, control: { kind: 'end-of-input' } };
}

/** Kafka header names for control markers: a stock consumer sees a record with a null value. */
export const CONTROL_HEADER = 'ids-control';
export const WATERMARK_HEADER = 'ids-watermark-us';
