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
