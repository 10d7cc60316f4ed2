import type { StreamRecord } from './stream-record';

/** What a processor sees of the task running it. */
export interface ProcessorContext {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  /** Sends a record to the children of the current node, or only to the named child. */
  forward<K, V>(record: StreamRecord<K, V>, childName?: string): void;
  getStateStore<S>(name: string): S;
  /** Counts an event by reason (decoder errors, skipped records); exported as a metric. */
  count(event: string, by?: number): void;
}

/**
 * A node of a topology. `process` is synchronous so a task stays deterministic; effects that
 * leave the process (a database insert) happen in `flush`, which the runtime calls before it
 * commits the input offsets.
 */
export interface Processor<K = unknown, V = unknown> {
  init?(context: ProcessorContext): void;
  process(record: StreamRecord<K, V>): void;
  /** Event time reached `watermarkUs` on every input of the task. */
  onWatermark?(watermarkUs: number): void;
  /**
   * Every input of the task has ended one round (a replayed capture, read to its end) whose
   * records all lie at or before `untilUs` in event time: what the processor holds up to there can
   * be finished now. What lies later belongs to other writers of a shared topic (another replay, a
   * live link) and waits for the watermark as usual.
   */
  onEndOfInput?(untilUs: number): void;
  flush?(): Promise<void> | void;
  close?(): Promise<void> | void;
}

export type ProcessorSupplier = () => Processor<unknown, unknown>;
