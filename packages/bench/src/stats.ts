/**
 * Order statistics for repeated measurements: median, min–max and the interquartile range.
 *
 * @module
 */

/** A summary of repeated samples. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First quartile (linear interpolation). */
  readonly q1: number;
  /** Third quartile (linear interpolation). */
  readonly q3: number;
  readonly count: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Summarises `samples` (which it does not modify). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    count: sorted.length,
  };
}
