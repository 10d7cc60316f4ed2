import { createHash } from 'node:crypto';

export interface ResultCacheOptions {
  /** Most entries kept; the least recently used goes first. Default 10000. */
  maxEntries?: number;
  /** Entry lifetime in ms from when it was set. Default 300000 (5 min). */
  ttlMs?: number;
  /** Injected so tests control time. */
  now?: () => number;
}

/**
 * LRU with TTL over a Map, whose insertion order is the recency order: a hit is deleted and
 * re-inserted, the first key is the eviction victim. Expired entries are dropped when read and
 * when they reach the front, so memory stays bounded by maxEntries alone.
 */
export class ResultCache<V> {
  readonly maxEntries: number;
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(options: ResultCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 300_000;
    this.now = options.now ?? Date.now;
    if (!(this.maxEntries >= 0) || !(this.ttlMs >= 0)) throw new RangeError('maxEntries and ttlMs must be >= 0');
  }

  get size(): number {
    return this.entries.size;
  }

  /** False when nothing can be cached (no entries or no lifetime): callers skip hashing keys. */
  get enabled(): boolean {
    return this.maxEntries > 0 && this.ttlMs > 0;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Cache key of one vector under one model set: sha1 of the Float64 bytes (so 1 and 1.0000000001
 * differ, and -0/0 hash as stored) plus the models' name@version, so a hot reload never serves a
 * score from the previous version.
 */
export function resultCacheKey(values: readonly number[], modelSetId: string): string {
  const bytes = Float64Array.from(values);
  return createHash('sha1').update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).update('\0').update(modelSetId).digest('hex');
}
