/**
 * Compares two runs of a suite trial by trial: trials pair up by `case|persona|trial` (the same
 * seed under both runs). Pass/fail pairs go to McNemar's exact test; differences in pass rate,
 * hallucination rate, cost and latency get paired cluster-bootstrap confidence intervals
 * (clusters = cases), seeded.
 */
import { computeMetrics, type Metrics } from './metrics.js';
import type { RunMeta, RunResults, TrialResult } from './results.js';
import { pairedBootstrap, type Interval, type PairedCluster } from './stats/bootstrap.js';
import { mcnemarExact, type McNemarResult } from './stats/mcnemar.js';

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  seed?: number;
  replicates?: number;
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
}

/** One side of a comparison. */
export interface ComparedRun {
  meta: RunMeta;
  /** Metrics over the paired trials only. */
  metrics: Metrics;
}

/** The comparison of run A (baseline) and run B (candidate). Differences are B − A. */
export interface Comparison {
  a: ComparedRun;
  b: ComparedRun;
  pairs: number;
  /** Trials found in only one of the runs (ignored). */
  unpaired: number;
  /** False when the runs come from different versions of the suite. */
  sameSuite: boolean;
  /** `b` = pairs passing only under A (B regressed), `c` = pairs passing only under B. */
  mcnemar: McNemarResult;
  level: number;
  passRate: Interval;
  hallucinationRate: Interval;
  costPerTaskMicros: Interval;
  /** Relative change of cost per task (B / A − 1). */
  costChange: Interval;
  latencyMs: Interval;
  /** Relative change of mean latency. */
  latencyChange: Interval;
}

type Pick = (t: TrialResult) => number;

function clusters(pairs: readonly [TrialResult, TrialResult][], pick: Pick): PairedCluster[] {
  const by = new Map<string, PairedCluster>();
  for (const [a, b] of pairs) {
    let c = by.get(a.caseId);
    if (!c) by.set(a.caseId, (c = { sumA: 0, sumB: 0, n: 0 }));
    c.sumA += pick(a);
    c.sumB += pick(b);
    c.n++;
  }
  return [...by.values()];
}

/**
 * Pairs the trials of `a` and `b` and computes the statistics.
 *
 * @example
 * ```ts
 * const cmp = compareRuns(baseline, candidate, { seed: 1 });
 * if (cmp.mcnemar.p < 0.05 && cmp.passRate.estimate < 0) console.log('candidate is worse');
 * ```
 */
export function compareRuns(a: RunResults, b: RunResults, opts: CompareOptions = {}): Comparison {
  const bByKey = new Map(b.trials.map((t) => [t.key, t]));
  const pairs: [TrialResult, TrialResult][] = [];
  for (const ta of a.trials) {
    const tb = bByKey.get(ta.key);
    if (tb) pairs.push([ta, tb]);
  }
  let bOnly = 0;
  let cOnly = 0;
  for (const [x, y] of pairs) {
    if (x.passed && !y.passed) bOnly++;
    else if (!x.passed && y.passed) cOnly++;
  }
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const boot = (pick: Pick, s: number, mode: 'absolute' | 'relative' = 'absolute'): Interval =>
    pairedBootstrap(clusters(pairs, pick), { seed: seed + s, level, mode, ...(opts.replicates ? { replicates: opts.replicates } : {}) });
  return {
    a: { meta: a.meta, metrics: computeMetrics(pairs.map((p) => p[0])) },
    b: { meta: b.meta, metrics: computeMetrics(pairs.map((p) => p[1])) },
    pairs: pairs.length,
    unpaired: a.trials.length + b.trials.length - 2 * pairs.length,
    sameSuite: a.meta.suiteHash === b.meta.suiteHash,
    mcnemar: mcnemarExact(bOnly, cOnly),
    level,
    passRate: boot((t) => (t.passed ? 1 : 0), 1),
    hallucinationRate: boot((t) => (t.hallucinated ? 1 : 0), 2),
    costPerTaskMicros: boot((t) => t.costMicros, 3),
    costChange: boot((t) => t.costMicros, 4, 'relative'),
    latencyMs: boot((t) => t.latencyMs, 5),
    latencyChange: boot((t) => t.latencyMs, 6, 'relative'),
  };
}
