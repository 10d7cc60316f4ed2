/**
 * Merges the records of several partitions, each in time order, into one stream in time order:
 * a record is released only once every partition still open has a record buffered (or is
 * finished), so no later partition can hold an earlier record. Ties go to the lower partition,
 * then to arrival order, so the merge is deterministic.
 */
export class TimeOrderedMerge<T> {
  private readonly queues = new Map<number, { items: T[]; head: number; finished: boolean }>();

  constructor(partitions: readonly number[], private readonly timeOf: (item: T) => number) {
    for (const p of [...partitions].sort((a, b) => a - b)) this.queues.set(p, { items: [], head: 0, finished: false });
  }

  push(partition: number, items: readonly T[]): void {
    const q = this.queue(partition);
    if (q.finished) throw new Error(`partition ${partition} was finished; no more records may come`);
    for (const item of items) q.items.push(item);
  }

  /** No more records will come for `partition` (saying it again changes nothing). */
  finish(partition: number): void {
    this.queue(partition).finished = true;
  }

  isFinished(partition: number): boolean {
    return this.queue(partition).finished;
  }

  buffered(partition: number): number {
    const q = this.queue(partition);
    return q.items.length - q.head;
  }

  /** Every partition finished and every record taken. */
  get done(): boolean {
    for (const q of this.queues.values()) if (!q.finished || q.head < q.items.length) return false;
    return true;
  }

  /** The records that can be released now, in time order. */
  take(): T[] {
    const out: T[] = [];
    for (;;) {
      let best: { items: T[]; head: number } | null = null;
      let bestTime = Number.POSITIVE_INFINITY;
      for (const q of this.queues.values()) {
        if (q.head === q.items.length) {
          if (q.finished) continue;
          this.compact();
          return out; // an open partition with nothing buffered could still bring an earlier record
        }
        const t = this.timeOf(q.items[q.head]);
        if (t < bestTime) {
          best = q;
          bestTime = t;
        }
      }
      if (!best) {
        this.compact();
        return out;
      }
      out.push(best.items[best.head++]);
    }
  }

  private compact(): void {
    for (const q of this.queues.values()) {
      if (q.head > 1024 && q.head * 2 > q.items.length) {
        q.items = q.items.slice(q.head);
        q.head = 0;
      }
    }
  }

  private queue(partition: number) {
    const q = this.queues.get(partition);
    if (!q) throw new Error(`unknown partition ${partition}`);
    return q;
  }
}
