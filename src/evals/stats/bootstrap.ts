/**
 * Paired (cluster) bootstrap confidence intervals for the difference B − A of a per-trial mean
 * (pass rate, cost, latency, hallucination rate). Clusters are cases: resampling whole cases keeps
 * the pairing (the same trials under A and B) and the correlation of trials within a case.
 * Percentile intervals, seeded, so a report is reproducible.
 */
import { quantileLinearSorted } from '../../util/quantiles.js';
import { Rng } from '../random.js';

/** One cluster: sums of a metric over its paired trials under A and B, and the trial count. */
export interface PairedCluster {
  sumA: number;
  sumB: number;
  n: number;
}

/** A point estimate with a confidence interval. */
export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/** Options of {@link pairedBootstrap}. */
export interface BootstrapOptions {
  /** Replicates (default 2000). */
  replicates?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  seed?: number;
  /** `absolute` (default): meanB − meanA; `relative`: meanB / meanA − 1. */
  mode?: 'absolute' | 'relative';
}

function stat(sa: number, sb: number, n: number, relative: boolean): number {
  if (n === 0) return 0;
  if (!relative) return (sb - sa) / n;
  return sa === 0 ? (sb === 0 ? 0 : Infinity) : sb / sa - 1;
}

/**
 * Percentile bootstrap CI of meanB − meanA (or the relative change) over resampled clusters.
 *
 * @example
 * ```ts
 * pairedBootstrap([{ sumA: 3, sumB: 2, n: 3 }, { sumA: 1, sumB: 1, n: 3 }], { seed: 1 });
 * ```
 */
export function pairedBootstrap(clusters: readonly PairedCluster[], opts: BootstrapOptions = {}): Interval {
  const relative = opts.mode === 'relative';
  let SA = 0;
  let SB = 0;
  let N = 0;
  for (const c of clusters) {
    SA += c.sumA;
    SB += c.sumB;
    N += c.n;
  }
  const estimate = stat(SA, SB, N, relative);
  const m = clusters.length;
  if (m === 0) return { estimate: 0, lo: 0, hi: 0 };
  const reps = opts.replicates ?? 2000;
  const level = opts.level ?? 0.95;
  const rng = new Rng(opts.seed ?? 1);
  const out = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    let sa = 0;
    let sb = 0;
    let n = 0;
    for (let i = 0; i < m; i++) {
      const c = clusters[Math.floor(rng.next() * m)]!;
      sa += c.sumA;
      sb += c.sumB;
      n += c.n;
    }
    out[r] = stat(sa, sb, n, relative);
  }
  out.sort();
  const alpha = (1 - level) / 2;
  return { estimate, lo: quantileLinearSorted(out, alpha) ?? NaN, hi: quantileLinearSorted(out, 1 - alpha) ?? NaN };
}
