import type { FeatureValues } from './flow-features';
import type { WindowConnection } from './window-connection';

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
