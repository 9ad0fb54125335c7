/**
 * Percentiles computed in TypeScript, so they are identical on SQLite and PostgreSQL.
 * Method: linear interpolation between closest ranks (Hyndman–Fan type 7, numpy's default).
 */

/**
 * The `p`-quantile (p in [0, 1]) of an ascending-sorted array; null when empty.
 *
 * @example
 * ```ts
 * quantileSorted([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0]!;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The `p`-quantile of unsorted values (sorts a copy as float64).
 *
 * @example
 * ```ts
 * quantile([10, 1, 5], 0.95);
 * ```
 */
export function quantile(values: readonly number[], p: number): number | null {
  const a = Float64Array.from(values).sort();
  return quantileSorted(a, p);
}

/** p50 and p95 of values, rounded to 0.01 (null when empty). */
export function p50p95(values: readonly number[]): { p50: number | null; p95: number | null } {
  if (values.length === 0) return { p50: null, p95: null };
  const a = Float64Array.from(values).sort();
  return { p50: round2(quantileSorted(a, 0.5)), p95: round2(quantileSorted(a, 0.95)) };
}

/** Rounds to two decimals, keeping null. */
export function round2(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}
