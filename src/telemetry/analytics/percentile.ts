/**
 * Percentiles computed in TypeScript, so they are identical on SQLite and PostgreSQL.
 * Method: linear interpolation between closest ranks (Hyndman–Fan type 7, numpy's default; see
 * src/util/quantiles.ts).
 */
import { quantileLinearSorted, sortedCopy } from '../../util/quantiles.js';

/** p50 and p95 of values, rounded to 0.01 (null when empty). */
export function p50p95(values: readonly number[]): { p50: number | null; p95: number | null } {
  if (values.length === 0) return { p50: null, p95: null };
  const a = sortedCopy(values);
  return { p50: round2(quantileLinearSorted(a, 0.5)), p95: round2(quantileLinearSorted(a, 0.95)) };
}

/** Rounds to two decimals, keeping null. */
export function round2(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}
