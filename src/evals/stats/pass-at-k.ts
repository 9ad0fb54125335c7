/**
 * Unbiased estimators for k trials of one task, from n ≥ k observed trials with c successes:
 *
 * - pass@k = 1 − C(n−c, k) / C(n, k): the chance that at least one of k trials succeeds
 *   (Chen et al. 2021, "Evaluating Large Language Models Trained on Code").
 * - pass^k = C(c, k) / C(n, k): the chance that all k trials succeed (Yao et al. 2024, τ-bench),
 *   a reliability measure.
 *
 * Both are computed as running products, so large n never overflows.
 */
import { InvalidRequestError } from '../../errors.js';

function check(n: number, c: number, k: number): void {
  if (!(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k)) || n < 0 || c < 0 || c > n || k < 1 || k > n) {
    throw new InvalidRequestError(`pass@k needs integers 0 ≤ c ≤ n and 1 ≤ k ≤ n (got n=${n}, c=${c}, k=${k})`);
  }
}

/**
 * Unbiased pass@k.
 *
 * @example
 * ```ts
 * passAtK(5, 2, 2); // 0.7
 * ```
 */
export function passAtK(n: number, c: number, k: number): number {
  check(n, c, k);
  if (n - c < k) return 1;
  // C(n−c, k) / C(n, k) = Π_{i=n−c+1..n} (1 − k/i)
  let ratio = 1;
  for (let i = n - c + 1; i <= n; i++) ratio *= 1 - k / i;
  return 1 - ratio;
}

/**
 * Unbiased pass^k (all k trials pass).
 *
 * @example
 * ```ts
 * passHatK(5, 2, 2); // 0.1
 * ```
 */
export function passHatK(n: number, c: number, k: number): number {
  check(n, c, k);
  if (c < k) return 0;
  // C(c, k) / C(n, k) = Π_{i=0..k−1} (c − i) / (n − i)
  let ratio = 1;
  for (let i = 0; i < k; i++) ratio *= (c - i) / (n - i);
  return ratio;
}
