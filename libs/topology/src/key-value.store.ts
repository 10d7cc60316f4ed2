/** A task-local key-value state store. */
export interface KeyValueStore<V> {
  readonly name: string;
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  delete(key: string): void;
  entries(): IterableIterator<[string, V]>;
  readonly size: number;
}

export class InMemoryKeyValueStore<V> implements KeyValueStore<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly name: string) {}
  get(key: string): V | undefined { return this.map.get(key); }
  put(key: string, value: V): void { this.map.set(key, value); }
  delete(key: string): void { this.map.delete(key); }
  entries(): IterableIterator<[string, V]> { return this.map.entries(); }
  get size(): number { return this.map.size; }
}

/**
 * Records which keys changed since the last flush so the runtime can write their latest values
 * (or a tombstone) to the store's compacted changelog topic. Values are JSON: a processor may
 * mutate a value in place after `put`, and what is written is its state at the flush.
 */
export class ChangeLoggingStore<V> implements KeyValueStore<V> {
  private readonly dirty = new Set<string>();
  constructor(private readonly inner: KeyValueStore<V>) {}
  get name(): string { return this.inner.name; }
  get(key: string): V | undefined { return this.inner.get(key); }
  put(key: string, value: V): void { this.inner.put(key, value); this.dirty.add(key); }
  delete(key: string): void { this.inner.delete(key); this.dirty.add(key); }
  entries(): IterableIterator<[string, V]> { return this.inner.entries(); }
  get size(): number { return this.inner.size; }

  /** Changes since the last call, as changelog entries; a deleted key gives a null value. */
  drainChanges(): { key: string; value: string | null }[] {
    const out: { key: string; value: string | null }[] = [];
    for (const key of this.dirty) {
      const v = this.inner.get(key);
      out.push({ key, value: v === undefined ? null : JSON.stringify(v) });
    }
    this.dirty.clear();
    return out;
  }

  /** Applies one changelog entry while restoring; not logged again. */
  restore(key: string, value: string | null): void {
    if (value === null) this.inner.delete(key);
    else this.inner.put(key, JSON.parse(value) as V);
  }
}
