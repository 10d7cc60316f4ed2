/**
 * Running counts per key, for windows that add a connection at one end and forget one at the
 * other: a key whose count falls to zero is removed, so a tally holds only what its window holds.
 */
export class Tally<K> {
  private readonly counts = new Map<K, number>();

  get(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: K): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  remove(key: K): void {
    const n = this.counts.get(key);
    if (n === undefined) throw new TallyUnderflowError(key);
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }

  clear(): void {
    this.counts.clear();
  }

  /** How many keys have a count above zero. */
  get size(): number {
    return this.counts.size;
  }
}

/** Removing a key that was never added: the window and its tally disagree, a bug upstream. */
export class TallyUnderflowError extends Error {
  readonly code = 'TALLY_UNDERFLOW';
  readonly retriable = false;
  constructor(readonly key: unknown) {
    super(`tally: removing ${String(key)}, which has no count`);
    this.name = 'TallyUnderflowError';
  }
}
