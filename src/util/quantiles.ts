/**
 * Quantiles and the median, in one place. Three quantile definitions are in use, because the
 * figures computed with each are already published (reports, benchmarks, tests) and must not move:
 *
 * - `quantileLinear`: linear interpolation between closest ranks (Hyndman–Fan type 7, numpy's
 *   default). Smooth in the data; the statistics use it (analytics percentiles, rollout analysis,
 *   bootstrap intervals).
 * - `quantileNearestRank`: the smallest value with at least a `q` share of the values at or below
 *   it (type 1, the textbook "nearest rank"). Always an observed value; the latency p50/p95/p99 of
 *   evals, the marketplace and the ops goals use it.
 * - `quantileFloorIndex`: the value at index ⌊q·n⌋ of the sorted values, i.e. the smallest value
 *   with more than a `q` share at or below it. It equals the nearest rank except when q·n is a
 *   whole number, where it takes the next value up (the upper median of an even count); the
 *   benchmarks and week reports use it.
 *
 * `median` is the mean of the two middle values, kept apart from `quantileLinear(v, 0.5)`:
 * (a + b) / 2 and a + (b − a) · 0.5 can differ in the last bit.
 *
 * Every function returns null for no values (callers pick their own empty figure) and clamps `q` to
 * [0, 1]. The `…Sorted` variants take ascending-sorted values and do not copy them; the others
 * sort a float64 copy and leave their input alone.
 */

/** Ascending float64 copy of `values` (the input is not changed). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

function clamp01(q: number): number {
  return Math.min(1, Math.max(0, q));
}

/**
 * The `q`-quantile (q in [0, 1]) of ascending-sorted values by linear interpolation between
 * closest ranks (type 7); null when empty.
 *
 * @example
 * ```ts
 * quantileLinearSorted([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantileLinearSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const pos = (n - 1) * clamp01(q);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The `q`-quantile of unsorted values by linear interpolation (type 7); null when empty.
 *
 * @example
 * ```ts
 * quantileLinear([10, 1, 5], 0.95); // ≈ 9.5
 * ```
 */
export function quantileLinear(values: ArrayLike<number>, q: number): number | null {
  return quantileLinearSorted(sortedCopy(values), q);
}

/**
 * The nearest-rank `q`-quantile of ascending-sorted values: the element at index ⌈q·n⌉ − 1
 * (clamped), the smallest value with at least a `q` share at or below it; null when empty.
 *
 * @example
 * ```ts
 * quantileNearestRankSorted([1, 2, 3, 4], 0.5); // 2
 * ```
 */
export function quantileNearestRankSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(clamp01(q) * n) - 1))]!;
}

/**
 * The nearest-rank `q`-quantile of unsorted values; null when empty.
 *
 * @example
 * ```ts
 * quantileNearestRank([40, 10, 30, 20], 0.95); // 40
 * ```
 */
export function quantileNearestRank(values: ArrayLike<number>, q: number): number | null {
  return quantileNearestRankSorted(sortedCopy(values), q);
}

/**
 * The element at index ⌊q·n⌋ (clamped) of ascending-sorted values: the smallest value with more
 * than a `q` share at or below it; null when empty. Differs from the nearest rank only when q·n is
 * whole (`[1, 2, 3, 4]` at 0.5: 3, where the nearest rank is 2).
 *
 * @example
 * ```ts
 * quantileFloorIndexSorted([1, 2, 3, 4], 0.5); // 3
 * ```
 */
export function quantileFloorIndexSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.min(n - 1, Math.floor(clamp01(q) * n))]!;
}

/**
 * `quantileFloorIndexSorted` of unsorted values; null when empty.
 *
 * @example
 * ```ts
 * quantileFloorIndex([4, 3, 2, 1], 0.5); // 3
 * ```
 */
export function quantileFloorIndex(values: ArrayLike<number>, q: number): number | null {
  return quantileFloorIndexSorted(sortedCopy(values), q);
}

/**
 * The median of ascending-sorted values: the middle value, or the mean of the two middle values
 * of an even count; null when empty.
 *
 * @example
 * ```ts
 * medianSorted([1, 2, 3, 4]); // 2.5
 * ```
 */
export function medianSorted(sorted: ArrayLike<number>): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median of unsorted values; null when empty.
 *
 * @example
 * ```ts
 * median([3, 1, 4, 2]); // 2.5
 * ```
 */
export function median(values: ArrayLike<number>): number | null {
  return medianSorted(sortedCopy(values));
}
