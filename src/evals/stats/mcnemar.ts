/**
 * McNemar's exact test for paired pass/fail outcomes: of the discordant pairs, `b` passed only under
 * A and `c` only under B; under H0 (no difference) b ~ Binomial(b + c, 1/2). The two-sided p-value
 * is min(1, 2 · P(X ≤ min(b, c))), computed in log space so thousands of pairs do not underflow.
 */

const logFact: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFact.length; i <= n; i++) logFact.push(logFact[i - 1]! + Math.log(i));
  return logFact[n]!;
}

/** The outcome of a McNemar test. */
export interface McNemarResult {
  /** Pairs that passed under A and failed under B. */
  b: number;
  /** Pairs that failed under A and passed under B. */
  c: number;
  /** Two-sided exact p-value. */
  p: number;
}

/**
 * Two-sided exact McNemar p-value for discordant counts `b` and `c`.
 *
 * @example
 * ```ts
 * mcnemarExact(10, 2).p; // 0.03857421875
 * ```
 */
export function mcnemarExact(b: number, c: number): McNemarResult {
  const n = b + c;
  if (n === 0) return { b, c, p: 1 };
  const k = Math.min(b, c);
  const lnN = logFactorial(n);
  const ln2n = n * Math.LN2;
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(lnN - logFactorial(i) - logFactorial(n - i) - ln2n);
  return { b, c, p: Math.min(1, 2 * tail) };
}
