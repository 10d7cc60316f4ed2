/**
 * Where a task whose state lives only in memory (the signature engine's streams, parsers and
 * flowbits) starts reading again after a restart to rebuild that state: the offset of a record at
 * least `horizonUs` of event time older than the newest one it has read. The task notes a
 * checkpoint (event time, offset) every horizon/8 of event time and forgets those no longer
 * needed, so the list stays short (about nine entries) and changes rarely; it is kept in the
 * task's markers changelog under REPLAY_CHECKPOINTS_KEY, next to its event-time state.
 */
export const REPLAY_CHECKPOINTS_KEY = 'replay';

/** Checkpoints per horizon: how much more than the horizon a replay may read. */
const STEPS = 8;

export interface ReplayCheckpointsJson {
  v: 1;
  /** [event time µs, offset], oldest first. */
  points: [number, number][];
}

export class ReplayCheckpointsInvalidError extends Error {
  readonly code = 'REPLAY_CHECKPOINTS_INVALID';
  constructor(readonly value: unknown, reason: string) {
    super(`replay checkpoints from the changelog are not usable: ${reason}`);
    this.name = 'ReplayCheckpointsInvalidError';
  }
}

export class ReplayCheckpoints {
  private points: [number, number][] = [];
  private newestUs = Number.NEGATIVE_INFINITY;

  constructor(readonly horizonUs: number) {
    if (!(Number.isSafeInteger(horizonUs) && horizonUs > 0)) throw new RangeError(`replay horizon must be a positive integer of microseconds, got ${horizonUs}`);
  }

  /** The offset to read again from, or null when nothing has been read. */
  get startOffset(): number | null {
    return this.points.length === 0 ? null : this.points[0][1];
  }

  /** Notes a record read at `offset` with event time `tsUs`; true when the checkpoints changed. */
  note(tsUs: number, offset: number): boolean {
    if (tsUs > this.newestUs) this.newestUs = tsUs;
    let changed = false;
    const last = this.points[this.points.length - 1];
    if (last === undefined || tsUs >= last[0] + this.horizonUs / STEPS) {
      this.points.push([tsUs, offset]);
      changed = true;
    }
    // keep the newest checkpoint at or beyond the horizon: replaying from it covers all of it
    while (this.points.length > 1 && this.points[1][0] <= this.newestUs - this.horizonUs) {
      this.points.shift();
      changed = true;
    }
    return changed;
  }

  /** The JSON value kept in the markers store. */
  encode(): ReplayCheckpointsJson {
    return { v: 1, points: this.points.map(([ts, offset]) => [ts, offset]) };
  }

  /** Checkpoints a task wrote (with any horizon: a changed one applies from the next record). */
  static decode(value: unknown, horizonUs: number): ReplayCheckpoints {
    const json = value as Partial<ReplayCheckpointsJson> | null;
    if (json === null || typeof json !== 'object' || json.v !== 1) throw new ReplayCheckpointsInvalidError(value, 'not version 1');
    const points = json.points;
    const valid = Array.isArray(points) && points.every((p, i) => Array.isArray(p) && p.length === 2 && Number.isSafeInteger(p[0]) && Number.isSafeInteger(p[1]) && p[1] >= 0
      && (i === 0 || p[1] > points[i - 1][1]));
    if (!valid) throw new ReplayCheckpointsInvalidError(value, 'points must be [event time, offset] pairs of integers, offsets increasing');
    const c = new ReplayCheckpoints(horizonUs);
    c.points = points.map(([ts, offset]) => [ts, offset]);
    c.newestUs = points.reduce((m, [ts]) => Math.max(m, ts), Number.NEGATIVE_INFINITY);
    return c;
  }
}
