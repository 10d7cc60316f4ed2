// Repeated runs of one figure, reduced to median, min and max.

export interface Figure {
  unit: string;
  median: number;
  min: number;
  max: number;
  /** Every run's value, in run order. */
  samples: number[];
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function figure(unit: string, samples: number[]): Figure {
  return { unit, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}

/** 1234567 -> "1.23 M", 54321 -> "54.3 k". */
export function si(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)} G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)} M`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(3)} k`;
  return value.toPrecision(3);
}
