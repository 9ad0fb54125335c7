/**
 * The minimum detectable effect of the gate by simulation: the smallest drop in pass rate that the
 * gate's test (McNemar exact, two-sided, at `alpha`) flags in at least `power` of simulated
 * paired runs of `n` trials.
 *
 * Model: each trial has a difficulty d ~ U(0, 1); a model of capability c solves it with the sim
 * provider's probability 1 / (1 + e^(−10 (c − d))). The baseline's capability is set so its mean
 * pass rate is `baselineRate`; the candidate's is lowered by δ. Outcomes of the two models are drawn
 * independently given d — more discordant pairs than the sim's shared draws produce, so the
 * reported MDE is conservative. δ is found by bisection; the effect reported is the expected
 * pass-rate drop at that δ.
 */
import { Rng } from '../random.js';
import { mcnemarExact } from './mcnemar.js';

/** Options of {@link minimumDetectableEffect}. */
export interface MdeOptions {
  n: number;
  alpha?: number;
  power?: number;
  baselineRate?: number;
  /** Simulated runs per candidate δ (default 600). */
  simulations?: number;
  seed?: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-10 * x));

/** Mean pass rate over d ~ U(0,1) of capability c (numerical integration). */
function meanRate(c: number): number {
  let s = 0;
  const steps = 2000;
  for (let i = 0; i < steps; i++) s += sigmoid(c - (i + 0.5) / steps);
  return s / steps;
}

function capabilityFor(rate: number): number {
  let lo = -1;
  let hi = 2;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (meanRate(mid) < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function power(n: number, c0: number, delta: number, alpha: number, sims: number, seed: number): number {
  const rng = new Rng(seed);
  let hits = 0;
  for (let s = 0; s < sims; s++) {
    let b = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const d = rng.next();
      const pa = rng.next() < sigmoid(c0 - d);
      const pb = rng.next() < sigmoid(c0 - delta - d);
      if (pa && !pb) b++;
      else if (!pa && pb) c++;
    }
    if (b > c && mcnemarExact(b, c).p < alpha) hits++;
  }
  return hits / sims;
}

/**
 * The smallest absolute pass-rate drop detected with the given power.
 *
 * @example
 * ```ts
 * minimumDetectableEffect({ n: 100, seed: 1 }); // ≈ 0.15
 * ```
 */
export function minimumDetectableEffect(opts: MdeOptions): number {
  const alpha = opts.alpha ?? 0.05;
  const target = opts.power ?? 0.8;
  const sims = opts.simulations ?? 600;
  const seed = opts.seed ?? 1;
  const c0 = capabilityFor(opts.baselineRate ?? 0.8);
  const base = meanRate(c0);
  let lo = 0;
  let hi = 1.5;
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (power(opts.n, c0, mid, alpha, sims, seed) >= target) hi = mid;
    else lo = mid;
  }
  return Math.round((base - meanRate(c0 - hi)) * 10_000) / 10_000;
}
