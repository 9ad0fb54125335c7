/**
 * Robust statistics for comparing an agent to its peers: median, MAD and the robust z-score
 * (Iglewicz–Hoaglin modified z: 0.6745·(x − median)/MAD).
 */
import { median } from '../../util/quantiles.js';

/** Median absolute deviation from the median (NaN when empty). */
export function mad(values: readonly number[], med: number = median(values) ?? NaN): number {
  return median(values.map((v) => Math.abs(v - med))) ?? NaN;
}

/**
 * The robust z-score of `x` against `values`. When the MAD is 0 it falls back to the mean absolute
 * deviation (scaled by 1.253314 so both estimate the same spread); when that is 0 too, the peers
 * do not vary and the score is null.
 *
 * @example
 * ```ts
 * robustZ(300, [100, 105, 95, 110, 98]); // ≈ 27
 * ```
 */
export function robustZ(x: number, values: readonly number[]): { median: number; mad: number; z: number | null } {
  const med = median(values) ?? NaN;
  const m = mad(values, med);
  if (m > 0) return { median: med, mad: m, z: (0.6745 * (x - med)) / m };
  const meanAd = values.reduce((s, v) => s + Math.abs(v - med), 0) / values.length;
  if (meanAd > 0) return { median: med, mad: m, z: (x - med) / (1.253314 * meanAd) };
  return { median: med, mad: m, z: null };
}
