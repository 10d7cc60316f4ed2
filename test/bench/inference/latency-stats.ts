// Per-batch latencies reduced to the figures the inference bench reports. The percentile is
// numpy's default (linear interpolation between closest ranks), so the Node and Python sides of
// the bench summarize their samples the same way.

export interface LatencySummary {
  iterations: number;
  rows: number;
  /** Sum of the timed batches (seconds): rows / seconds is the throughput. */
  seconds: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  min_ms: number;
  max_ms: number;
  /**
   * CPU time (user + system, every thread of the measuring process) over the timed batches, when
   * measured: rows / cpu_seconds is the per-core rate with other work's share of a loaded,
   * shared CPU (and a VM's steal time) left out, which wall-clock rows/s cannot do.
   */
  cpu_seconds?: number;
}

/** The p-th percentile (0..100) of `sorted` (ascending), as numpy.percentile(method='linear'). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of nothing');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile wants 0..100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** `latencies`: seconds per batch, in run order; `rows`: rows over all of them. */
export function summarizeLatencies(latencies: ArrayLike<number>, rows: number): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  let total = 0;
  for (const s of sorted) total += s;
  return {
    iterations: sorted.length,
    rows,
    seconds: total,
    p50_ms: percentile(sorted, 50) * 1e3,
    p99_ms: percentile(sorted, 99) * 1e3,
    mean_ms: (total / sorted.length) * 1e3,
    min_ms: sorted[0] * 1e3,
    max_ms: sorted[sorted.length - 1] * 1e3,
  };
}
