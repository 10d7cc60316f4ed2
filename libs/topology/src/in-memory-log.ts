import type { ControlMarker } from './stream-record';

export interface LogRecord {
  key: string | null;
  value: unknown;
  timestampUs: number;
  control?: ControlMarker;
}

export class UnknownTopicError extends Error {
  readonly code = 'UNKNOWN_TOPIC';
  readonly retriable = false;
  constructor(readonly topic: string, readonly partition?: number) {
    super(partition === undefined ? `unknown topic ${topic}` : `unknown topic-partition ${topic}/${partition}`);
    this.name = 'UnknownTopicError';
  }
}

class PartitionLog {
  /** Offset of records[0]: records below it were consumed by every group and dropped. */
  base = 0;
  records: LogRecord[] = [];
  get end(): number { return this.base + this.records.length; }
}

/**
 * Topics, partitions, offsets and consumer-group commits in one process: the embedded runtime's
 * stand-in for a Kafka cluster, with the same semantics (append-only partitions, offsets that
 * only grow, a group resumes from its committed offset).
 */
export class InMemoryLog {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly commits = new Map<string, number>();

  createTopic(name: string, partitions: number): void {
    if (this.topics.has(name)) return;
    this.topics.set(name, Array.from({ length: partitions }, () => new PartitionLog()));
  }

  hasTopic(name: string): boolean { return this.topics.has(name); }

  partitions(topic: string): number {
    const t = this.topics.get(topic);
    if (!t) throw new UnknownTopicError(topic);
    return t.length;
  }

  append(topic: string, partition: number, record: LogRecord): number {
    const p = this.partition(topic, partition);
    p.records.push(record);
    return p.end - 1;
  }

  /** Up to `max` records from `offset` on, with their offsets. */
  read(topic: string, partition: number, offset: number, max: number): { offset: number; record: LogRecord }[] {
    const p = this.partition(topic, partition);
    const from = Math.max(offset, p.base);
    const out: { offset: number; record: LogRecord }[] = [];
    for (let o = from; o < p.end && out.length < max; o++) out.push({ offset: o, record: p.records[o - p.base] });
    return out;
  }

  endOffset(topic: string, partition: number): number { return this.partition(topic, partition).end; }

  commit(group: string, topic: string, partition: number, nextOffset: number): void {
    this.commits.set(`${group}\u0000${topic}\u0000${partition}`, nextOffset);
  }

  committed(group: string, topic: string, partition: number): number {
    return this.commits.get(`${group}\u0000${topic}\u0000${partition}`) ?? 0;
  }

  /** Drops records every listed group has consumed: keeps a long capture in bounded memory. */
  truncateConsumed(topic: string, groups: string[]): void {
    if (groups.length === 0) return;
    this.topics.get(topic)?.forEach((p, partition) => {
      const upTo = Math.min(...groups.map((g) => this.committed(g, topic, partition)));
      if (upTo <= p.base) return;
      p.records = p.records.slice(upTo - p.base);
      p.base = upTo;
    });
  }

  private partition(topic: string, partition: number): PartitionLog {
    const p = this.topics.get(topic)?.[partition];
    if (!p) throw new UnknownTopicError(topic, partition);
    return p;
  }
}
