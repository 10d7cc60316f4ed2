import { ConnectionQueue } from './connection-queue';
import type { FeatureValues } from './flow-features';
import type { WindowConnection } from './window-connection';
import type { WindowOptions } from './window-options';

/** What a window remembers, as stored: the connections it keeps, oldest first. */
export interface WindowSnapshot {
  v: 1;
  conns: WindowConnection[];
}

/**
 * A window kept live between connections, with running counts, so a connection costs O(1)
 * instead of a pass over everything the window holds. It gives exactly what the pure
 * `observeHost` / `observeService` give over the same sequence: they are its specification.
 * `toJSON` is the snapshot, so a tracker can sit in a changelogged state store as it is.
 */
export interface WindowTracker {
  observe(conn: WindowConnection): { features: FeatureValues; evicted: number };
  /** End time of the newest connection held, if any: what retention looks at. */
  readonly newestEndUs: number | undefined;
  toJSON(): WindowSnapshot;
}

/** Whether end times never decrease: the running counts need it, a late connection breaks it. */
export function inEndTimeOrder(conns: readonly WindowConnection[]): boolean {
  for (let i = 1; i < conns.length; i++) if (!(conns[i].endUs >= conns[i - 1].endUs)) return false;
  return conns.every((c) => Number.isFinite(c.endUs));
}

/**
 * What both trackers share: the held connections (a suffix of what the key has seen, in end-time
 * order), the snapshot, and the choice between the running counts and the pure function. A
 * connection out of end-time order (late, after a rebalance), a non-finite end time, or options
 * the running counts do not cover make it answer with `reference` itself, reloading what that
 * returns, until what it holds is in order again.
 */
export abstract class RunningWindowTracker implements WindowTracker {
  protected readonly queue = new ConnectionQueue();
  private ordered = true;

  protected constructor(protected readonly options: WindowOptions, private readonly fast: boolean) {}

  get newestEndUs(): number | undefined {
    return this.queue.newest?.endUs;
  }

  toJSON(): WindowSnapshot {
    return { v: 1, conns: this.queue.toArray() };
  }

  observe(conn: WindowConnection): { features: FeatureValues; evicted: number } {
    const newest = this.queue.newest;
    if (!this.fast || !this.ordered || !Number.isFinite(conn.endUs) || (newest !== undefined && conn.endUs < newest.endUs)) {
      const step = this.reference(this.toJSON(), conn);
      this.load(step.state.conns);
      return { features: step.features, evicted: step.evicted };
    }
    return this.observeInOrder(conn);
  }

  /** The pure function this tracker keeps running counts of (observeHost / observeService). */
  protected abstract reference(snapshot: WindowSnapshot, conn: WindowConnection): { state: WindowSnapshot; features: FeatureValues; evicted: number };
  /** One connection in end-time order, on the running counts. */
  protected abstract observeInOrder(conn: WindowConnection): { features: FeatureValues; evicted: number };
  /** Counts back to zero; the queue is already empty (its positions keep counting). */
  protected abstract resetCounts(): void;
  /** Takes a connection of a loaded, ordered snapshot into the counts. */
  protected abstract enterLoaded(conn: WindowConnection): void;

  /** Starts over from `conns`. */
  protected load(conns: readonly WindowConnection[]): void {
    this.queue.dropBefore(this.queue.end);
    this.resetCounts();
    this.ordered = inEndTimeOrder(conns);
    for (const c of conns) {
      this.queue.push(c);
      if (this.ordered) this.enterLoaded(c);
    }
  }
}
