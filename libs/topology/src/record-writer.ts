import type { ControlMarker } from './stream-record';

/** Where a source driver (the capture) writes records: the in-memory log or a Kafka producer. */
export interface RecordWriter {
  write(topic: string, partition: number, record: { key: string | null; value: unknown; timestampUs: number; control?: ControlMarker }): void | Promise<void>;
  flush(): Promise<void>;
}
