/**
 * UTC budget windows: the start of the day, the month, or 0 for all time.
 */
import type { BudgetWindow } from './budget-spec.js';

const DAY_MS = 86_400_000;

/**
 * Start (ms since the epoch, UTC) of the window that contains `at`.
 *
 * @example
 * ```ts
 * windowStart('day', Date.parse('2026-03-05T17:00:00Z')); // Date.parse('2026-03-05T00:00:00Z')
 * ```
 */
export function windowStart(window: BudgetWindow, at: number): number {
  if (window === 'total') return 0;
  if (window === 'day') return Math.floor(at / DAY_MS) * DAY_MS;
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** End (exclusive) of the window that starts at `start`; `Infinity` for `total`. */
export function windowEnd(window: BudgetWindow, start: number): number {
  if (window === 'total') return Number.POSITIVE_INFINITY;
  if (window === 'day') return start + DAY_MS;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
