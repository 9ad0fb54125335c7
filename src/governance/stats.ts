/**
 * Statistics of live rollouts. Canary and stable serve different requests, so the tests are
 * unpaired: a one-sided two-proportion z-test (with a margin) for rates, an exact binomial tail for
 * a rate against a fixed ceiling, and a seeded percentile bootstrap for means (the two-sample
 * counterpart of src/evals' paired bootstrap; same Rng, same percentile method). McNemar needs
 * paired outcomes and applies to the pre-start eval gate (src/evals), not to live traffic.
 */
import { Rng } from '../evals/random.js';
import { quantileLinearSorted } from '../util/quantiles.js';

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * One-sided test that rate B exceeds rate A by more than `margin`: H0 pB − pA ≤ margin.
 * Unpooled standard error (valid with a margin); p = 1 when either arm is empty.
 *
 * @example
 * ```ts
 * twoProportionTest(10, 100, 30, 100).p < 0.05; // true: B's rate is higher
 * ```
 */
export function twoProportionTest(xA: number, nA: number, xB: number, nB: number, margin = 0): { diff: number; z: number; p: number } {
  if (nA === 0 || nB === 0) return { diff: 0, z: 0, p: 1 };
  const pA = xA / nA;
  const pB = xB / nB;
  const diff = pB - pA;
  // a continuity-corrected floor on the variance keeps 0/n vs k/n from looking infinitely certain
  const vA = Math.max(pA * (1 - pA), 0.5 / nA) / nA;
  const vB = Math.max(pB * (1 - pB), 0.5 / nB) / nB;
  const z = (diff - margin) / Math.sqrt(vA + vB);
  return { diff, z, p: 1 - normalCdf(z) };
}

const logFact: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFact.length; i <= n; i++) logFact.push(logFact[i - 1]! + Math.log(i));
  return logFact[n]!;
}

/**
 * Exact one-sided binomial p-value P(X ≥ x | n, p0): how surprising `x` events in `n` trials are
 * if the true rate were the ceiling `p0`.
 *
 * @example
 * ```ts
 * binomialUpperTail(3, 10, 0.02); // ≈ 0.00086
 * ```
 */
export function binomialUpperTail(x: number, n: number, p0: number): number {
  if (x <= 0) return 1;
  if (p0 <= 0) return 0;
  if (p0 >= 1) return 1;
  const lp = Math.log(p0);
  const lq = Math.log1p(-p0);
  let tail = 0;
  for (let k = x; k <= n; k++) tail += Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * lp + (n - k) * lq);
  return Math.min(1, tail);
}

/** A point estimate with a percentile interval. */
export interface ChangeInterval {
  estimate: number;
  lo: number;
  hi: number;
}

/**
 * Bootstrap interval of a two-sample statistic: `mode` `relative` (meanB / meanA − 1, default) or
 * `absolute` (meanB − meanA). Seeded, so the same data give the same interval.
 *
 * @example
 * ```ts
 * bootstrapMeanChange([100, 110, 90], [150, 160, 140], { seed: 1 }).estimate; // 0.5
 * ```
 */
export function bootstrapMeanChange(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { replicates?: number; level?: number; seed?: number; mode?: 'relative' | 'absolute' } = {},
): ChangeInterval | null {
  if (a.length === 0 || b.length === 0) return null;
  const rel = opts.mode !== 'absolute';
  const stat = (ma: number, mb: number): number => (rel ? (ma === 0 ? (mb === 0 ? 0 : Infinity) : mb / ma - 1) : mb - ma);
  const mean = (x: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]!;
    return s / x.length;
  };
  const estimate = stat(mean(a), mean(b));
  const reps = opts.replicates ?? 1000;
  const rng = new Rng(opts.seed ?? 1);
  const out = new Float64Array(reps);
  const resampledMean = (x: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[Math.floor(rng.next() * x.length)]!;
    return s / x.length;
  };
  for (let r = 0; r < reps; r++) out[r] = stat(resampledMean(a), resampledMean(b));
  out.sort();
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  return { estimate, lo: quantileLinearSorted(out, alpha) ?? NaN, hi: quantileLinearSorted(out, 1 - alpha) ?? NaN };
}
