/**
 * Count, mean, spread, min and max of a stream of numbers in O(1) space (Welford's online
 * algorithm: stable where sums of squares cancel, as for inter-arrival times of ~1e9 µs with a
 * small spread). Plain JSON: `min` / `max` are 0 while `n` is 0, never ±Infinity (JSON has none).
 */
export interface RunningStat {
  n: number;
  mean: number;
  /** Sum of squared differences from the mean. */
  m2: number;
  min: number;
  max: number;
  /** Sum of the values (kept exactly rather than as n * mean). */
  sum: number;
}

export function emptyStat(): RunningStat {
  return { n: 0, mean: 0, m2: 0, min: 0, max: 0, sum: 0 };
}

/** Adds `x` to `s` in place. */
export function addToStat(s: RunningStat, x: number): void {
  const n = ++s.n;
  const delta = x - s.mean;
  s.mean += delta / n;
  s.m2 += delta * (x - s.mean);
  s.sum += x;
  if (n === 1) {
    s.min = x;
    s.max = x;
  } else {
    if (x < s.min) s.min = x;
    if (x > s.max) s.max = x;
  }
}

/** Sample variance (n - 1 in the denominator); 0 below two values. */
export function statVariance(s: RunningStat): number {
  return s.n < 2 ? 0 : s.m2 / (s.n - 1);
}

/** Sample standard deviation; 0 below two values. */
export function statStd(s: RunningStat): number {
  return Math.sqrt(statVariance(s));
}

/**
 * The statistics of the union of two sets (Chan et al.'s parallel form of Welford), so that the
 * statistics over both directions need no third update per packet.
 */
export function mergeStats(a: RunningStat, b: RunningStat): RunningStat {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return {
    n,
    mean: a.mean + (delta * b.n) / n,
    m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
  };
}

// The same statistic laid out in STAT_SIZE consecutive numbers of a Float64Array, for the flows
// FlowTable keeps (flow-entry.layout.ts); the arithmetic is the object version's, operation for
// operation, so both give the same doubles.
export const STAT_N = 0;
export const STAT_MEAN = 1;
export const STAT_M2 = 2;
export const STAT_MIN = 3;
export const STAT_MAX = 4;
export const STAT_SUM = 5;
export const STAT_SIZE = 6;

/** `addToStat` on the statistic at `d[o]`. */
export function addToStatAt(d: Float64Array, o: number, x: number): void {
  const n = ++d[o];
  const delta = x - d[o + STAT_MEAN];
  d[o + STAT_MEAN] += delta / n;
  d[o + STAT_M2] += delta * (x - d[o + STAT_MEAN]);
  d[o + STAT_SUM] += x;
  if (n === 1) {
    d[o + STAT_MIN] = x;
    d[o + STAT_MAX] = x;
  } else {
    if (x < d[o + STAT_MIN]) d[o + STAT_MIN] = x;
    if (x > d[o + STAT_MAX]) d[o + STAT_MAX] = x;
  }
}

/** `statVariance` of the statistic at `d[o]`. */
export function statVarianceAt(d: Float64Array, o: number): number {
  const n = d[o];
  return n < 2 ? 0 : d[o + STAT_M2] / (n - 1);
}

/** `statStd` of the statistic at `d[o]`. */
export function statStdAt(d: Float64Array, o: number): number {
  return Math.sqrt(statVarianceAt(d, o));
}

/** Copies the statistic at `from[f]` to `to[t]`. */
export function copyStatAt(from: Float64Array, f: number, to: Float64Array, t: number): void {
  for (let i = 0; i < STAT_SIZE; i++) to[t + i] = from[f + i];
}

/** `mergeStats` of the statistics at `d[a]` and `d[b]`, written to `out[o]`. */
export function mergeStatsAt(d: Float64Array, a: number, b: number, out: Float64Array, o: number): void {
  const an = d[a];
  const bn = d[b];
  if (an === 0) return copyStatAt(d, b, out, o);
  if (bn === 0) return copyStatAt(d, a, out, o);
  const n = an + bn;
  const delta = d[b + STAT_MEAN] - d[a + STAT_MEAN];
  out[o] = n;
  out[o + STAT_MEAN] = d[a + STAT_MEAN] + (delta * bn) / n;
  out[o + STAT_M2] = d[a + STAT_M2] + d[b + STAT_M2] + (delta * delta * an * bn) / n;
  out[o + STAT_MIN] = Math.min(d[a + STAT_MIN], d[b + STAT_MIN]);
  out[o + STAT_MAX] = Math.max(d[a + STAT_MAX], d[b + STAT_MAX]);
  out[o + STAT_SUM] = d[a + STAT_SUM] + d[b + STAT_SUM];
}

/** The statistic at `d[o]` as a plain RunningStat (JSON). */
export function statAt(d: Float64Array, o: number): RunningStat {
  return { n: d[o], mean: d[o + STAT_MEAN], m2: d[o + STAT_M2], min: d[o + STAT_MIN], max: d[o + STAT_MAX], sum: d[o + STAT_SUM] };
}

/** Writes a plain RunningStat to `d[o]`. */
export function putStatAt(d: Float64Array, o: number, s: RunningStat): void {
  d[o] = s.n;
  d[o + STAT_MEAN] = s.mean;
  d[o + STAT_M2] = s.m2;
  d[o + STAT_MIN] = s.min;
  d[o + STAT_MAX] = s.max;
  d[o + STAT_SUM] = s.sum;
}
