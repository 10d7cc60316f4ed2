/**
 * Suricata's `threshold` and `detection_filter` decisions, in event time, with bounded memory.
 *
 * One entry per (gid, sid, kind, tracked address) holds the window start and a count. A match is
 * inside the window while `now - start < seconds` (microseconds, not whole seconds: Suricata 7.0.10
 * restarts a 1 s window at 1.9 s that began at 0.9 s); a match outside restarts it with count 1.
 * The table-driven cases in the spec are the alerts Suricata 7.0.10 gave for the same packets.
 *
 * - limit N:            alert on the first N matches of each window.
 * - threshold N:        alert on every Nth match within a window (the count restarts after an alert).
 * - both N:             alert once per window, on its Nth match.
 * - detection_filter N: alert on every match after the Nth within the window.
 *
 * Entries are kept in least-recently-used order; beyond `maxKeys` the oldest is evicted and counted
 * (its address then starts afresh, which can only add alerts, never hide a window already counting).
 */

export type ThresholdKind = 'limit' | 'threshold' | 'both' | 'detection_filter';
export type ThresholdTrack = 'by_src' | 'by_dst';

/** The shape @ids/rules parses `threshold:` and `detection_filter:` into. */
export interface ThresholdSpec {
  readonly kind: ThresholdKind;
  readonly track: ThresholdTrack;
  readonly count: number;
  readonly seconds: number;
}

export class ThresholdSpecInvalidError extends Error {
  readonly code = 'THRESHOLD_SPEC_INVALID';
  readonly retriable = false;
  constructor(readonly spec: ThresholdSpec, reason: string) {
    super(`threshold spec ${JSON.stringify(spec)}: ${reason}`);
    this.name = 'ThresholdSpecInvalidError';
  }
}

export interface ThresholdTrackerOptions {
  readonly maxKeys: number;
}

export const DEFAULT_THRESHOLD_TRACKER_OPTIONS: ThresholdTrackerOptions = { maxKeys: 100_000 };

/** One counting window: what a stage keeps in a changelog to resume counting after a restart. */
export interface ThresholdEntry {
  windowStartUs: number;
  count: number;
  seconds: number;
}
type Entry = ThresholdEntry;

export class ThresholdEntryInvalidError extends Error {
  readonly code = 'THRESHOLD_ENTRY_INVALID';
  readonly retriable = false;
  constructor(readonly key: string, readonly entry: unknown, reason: string) {
    super(`threshold entry ${key}: ${reason} (${JSON.stringify(entry)})`);
    this.name = 'ThresholdEntryInvalidError';
  }
}

const KINDS: readonly ThresholdKind[] = ['limit', 'threshold', 'both', 'detection_filter'];

export function validateThresholdSpec(spec: ThresholdSpec): void {
  if (!KINDS.includes(spec.kind)) throw new ThresholdSpecInvalidError(spec, `unknown kind ${String(spec.kind)}`);
  if (spec.track !== 'by_src' && spec.track !== 'by_dst') throw new ThresholdSpecInvalidError(spec, `unknown track ${String(spec.track)}`);
  if (!Number.isInteger(spec.count) || spec.count < 1) throw new ThresholdSpecInvalidError(spec, 'count must be an integer >= 1');
  if (!Number.isInteger(spec.seconds) || spec.seconds < 1) throw new ThresholdSpecInvalidError(spec, 'seconds must be an integer >= 1');
}

export class ThresholdTracker {
  readonly counters = { evicted: 0, expired: 0 };
  private readonly entries = new Map<string, Entry>();
  /** Keys whose entry was written, restarted or dropped since the last takeChanges(). */
  private readonly changed = new Set<string>();

  constructor(private readonly options: ThresholdTrackerOptions = DEFAULT_THRESHOLD_TRACKER_OPTIONS) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records one match of rule (gid, sid) at event time `tsUs` and answers whether it alerts. */
  shouldAlert(spec: ThresholdSpec, sid: number, gid: number, src: string, dst: string, tsUs: number): boolean {
    const key = `${gid}:${sid}:${spec.kind}:${spec.track === 'by_src' ? src : dst}`;
    const e = this.entries.get(key);
    if (e === undefined) {
      if (spec.kind === 'threshold' && spec.count === 1) return true; // nothing to count
      this.insert(key, { windowStartUs: tsUs, count: 1, seconds: spec.seconds });
      return spec.kind === 'limit' || (spec.kind === 'both' && spec.count === 1);
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    this.changed.add(key);
    if (tsUs - e.windowStartUs >= spec.seconds * 1_000_000) {
      e.windowStartUs = tsUs;
      e.count = 1;
      return spec.kind === 'limit' || (spec.kind === 'both' && spec.count === 1);
    }
    e.count++;
    switch (spec.kind) {
      case 'limit': return e.count <= spec.count;
      case 'both': return e.count === spec.count;
      case 'detection_filter': return e.count > spec.count;
      case 'threshold':
        if (e.count < spec.count) return false;
        e.count = 0;
        return true;
    }
  }

  /** Forgets entries whose window is over at `tsUs` (a later match would restart them anyway). */
  expire(tsUs: number): number {
    let n = 0;
    for (const [key, e] of this.entries) {
      if (tsUs - e.windowStartUs >= e.seconds * 1_000_000) {
        this.entries.delete(key);
        this.changed.add(key);
        n++;
      }
    }
    this.counters.expired += n;
    return n;
  }

  /**
   * The entries changed since the last call (null: dropped), each key once, as copies: what a
   * stage writes to its changelog with the batch whose matches changed them.
   */
  takeChanges(): Array<[string, ThresholdEntry | null]> {
    const out: Array<[string, ThresholdEntry | null]> = [];
    for (const key of this.changed) {
      const e = this.entries.get(key);
      out.push([key, e === undefined ? null : { windowStartUs: e.windowStartUs, count: e.count, seconds: e.seconds }]);
    }
    this.changed.clear();
    return out;
  }

  /**
   * Puts back an entry read from a changelog (in the order it was written, so least recently
   * used first), as not changed. Refuses a value that is not an entry this tracker wrote.
   */
  restore(key: string, entry: unknown): void {
    const e = entry as Partial<ThresholdEntry> | null;
    const integer = (v: unknown, min: number): boolean => Number.isSafeInteger(v) && (v as number) >= min;
    if (e === null || typeof e !== 'object') throw new ThresholdEntryInvalidError(key, entry, 'not an object');
    if (!integer(e.windowStartUs, Number.MIN_SAFE_INTEGER) || !integer(e.count, 0) || !integer(e.seconds, 1)) {
      throw new ThresholdEntryInvalidError(key, entry, 'windowStartUs, count and seconds must be integers (count >= 0, seconds >= 1)');
    }
    this.entries.delete(key);
    this.insert(key, { windowStartUs: e.windowStartUs!, count: e.count!, seconds: e.seconds! });
    this.changed.delete(key);
  }

  private insert(key: string, e: Entry): void {
    if (this.entries.size >= this.options.maxKeys) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) {
        this.entries.delete(oldest.value);
        this.changed.add(oldest.value);
        this.counters.evicted++;
      }
    }
    this.entries.set(key, e);
    this.changed.add(key);
  }
}
