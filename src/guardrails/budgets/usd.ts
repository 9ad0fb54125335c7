/**
 * Money at the edges: integer micro-dollars in, `$9.98` out (and USD in from the spec).
 */

/**
 * Formats micro-dollars as dollars with cents (more digits below one cent).
 *
 * @example
 * ```ts
 * formatUsd(9_980_000); // '$9.98'
 * formatUsd(1_500);     // '$0.0015'
 * ```
 */
export function formatUsd(micros: number): string {
  const usd = micros / 1_000_000;
  if (micros !== 0 && Math.abs(micros) < 10_000) return `$${usd.toFixed(6).replace(/0+$/, '')}`;
  return `$${usd.toFixed(2)}`;
}

/** USD (from the spec) to integer micro-dollars. */
export function usdToMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}
