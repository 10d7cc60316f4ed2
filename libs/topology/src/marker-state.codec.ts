/**
 * What a task knows of event time from the markers it has read: each producer's latest watermark,
 * the end-of-input rounds still open, which writing topologies ended each topic, and the watermark
 * it forwarded last. Markers are consumed like records, so a task restarted from its committed
 * offsets never reads these again: without this state in a changelog, a task that had read the
 * last markers of a quiet or finished input waited for them forever (a fusion stage killed near the
 * end of a replay never decided its pending flows).
 */
export interface MarkerState {
  taskWatermark: number;
  /** Per source topic: producer group → task count, and producer id → latest watermark. */
  watermarks: Map<string, { groups: Map<string, number>; byProducer: Map<string, number> }>;
  /** Per open round (insertion order kept): its latest end time and, per topic, the producers that ended it. */
  rounds: Map<string, { untilUs: number; topics: Map<string, Set<string>> }>;
  /** Per source topic: the writing topologies (group → task count) that sent end-of-input. */
  endingGroups: Map<string, Map<string, number>>;
}

/** The changelog store (and key) holding a task's MarkerState; `<application id>-markers-changelog`. */
export const MARKER_STORE = 'markers';
export const MARKER_STATE_KEY = 'state';

interface MarkerStateJson {
  v: 1;
  /** null: no watermark yet (JSON has no -Infinity). */
  taskWatermark: number | null;
  watermarks: [string, { groups: [string, number][]; byProducer: [string, number][] }][];
  rounds: [string, { untilUs: number | null; topics: [string, string[]][] }][];
  endingGroups: [string, [string, number][]][];
}

export class MarkerStateInvalidError extends Error {
  readonly code = 'MARKER_STATE_INVALID';
  constructor(readonly value: unknown, reason: string) {
    super(`marker state from the changelog is not usable: ${reason}`);
    this.name = 'MarkerStateInvalidError';
  }
}

export function emptyMarkerState(): MarkerState {
  return { taskWatermark: Number.NEGATIVE_INFINITY, watermarks: new Map(), rounds: new Map(), endingGroups: new Map() };
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);
const orMinusInfinity = (n: number | null): number => (n === null ? Number.NEGATIVE_INFINITY : n);

export function encodeMarkerState(s: MarkerState): MarkerStateJson {
  return {
    v: 1,
    taskWatermark: finiteOrNull(s.taskWatermark),
    watermarks: [...s.watermarks].map(([t, w]) => [t, { groups: [...w.groups], byProducer: [...w.byProducer] }]),
    rounds: [...s.rounds].map(([r, o]) => [r, { untilUs: finiteOrNull(o.untilUs), topics: [...o.topics].map(([t, ids]) => [t, [...ids]]) }]),
    endingGroups: [...s.endingGroups].map(([t, g]) => [t, [...g]]),
  };
}

export function decodeMarkerState(value: unknown): MarkerState {
  const j = value as Partial<MarkerStateJson> | null;
  if (j === null || typeof j !== 'object' || j.v !== 1) throw new MarkerStateInvalidError(value, `expected {v: 1, ...}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  if (!Array.isArray(j.watermarks) || !Array.isArray(j.rounds) || !Array.isArray(j.endingGroups)) throw new MarkerStateInvalidError(value, 'watermarks, rounds or endingGroups is not a list');
  return {
    taskWatermark: orMinusInfinity(j.taskWatermark ?? null),
    watermarks: new Map(j.watermarks.map(([t, w]) => [t, { groups: new Map(w.groups), byProducer: new Map(w.byProducer) }])),
    rounds: new Map(j.rounds.map(([r, o]) => [r, { untilUs: orMinusInfinity(o.untilUs), topics: new Map(o.topics.map(([t, ids]) => [t, new Set(ids)])) }])),
    endingGroups: new Map(j.endingGroups.map(([t, g]) => [t, new Map(g)])),
  };
}
