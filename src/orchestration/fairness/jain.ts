/**
 * Jain's fairness index: (Σx)² / (n·Σx²), 1 when every agent gets the same (normalised) share,
 * 1/n when one agent gets everything.
 */

/**
 * Jain's index of `xs` (normalise first: allocation / entitlement). Empty or all-zero → 1.
 * @example
 * ```ts
 * jainIndex([1, 1, 1, 1]); // 1
 * jainIndex([1, 0, 0, 0]); // 0.25
 * ```
 */
export function jainIndex(xs: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    s += x;
    s2 += x * x;
  }
  if (n === 0 || s2 === 0) return 1;
  return (s * s) / (n * s2);
}
