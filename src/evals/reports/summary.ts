/**
 * The summary of a run every report renders: suite, persona and case metrics.
 */
import { computeMetrics, metricsBy, type Metrics } from '../metrics.js';
import type { RunMeta, RunResults } from '../results.js';

/** Metrics of a run at every level. */
export interface RunSummary {
  meta: RunMeta;
  suite: Metrics;
  byPersona: Record<string, Metrics>;
  byCase: Record<string, Metrics>;
}

/**
 * Summarises a run; pass@k uses the run's trials per case and persona as k.
 *
 * @example
 * ```ts
 * const s = summarizeRun(run);
 * s.byPersona.novice.goalRate;
 * ```
 */
export function summarizeRun(run: RunResults): RunSummary {
  const k = run.meta.trials;
  return {
    meta: run.meta,
    suite: computeMetrics(run.trials, k),
    byPersona: Object.fromEntries(metricsBy(run.trials, (t) => t.persona, k)),
    byCase: Object.fromEntries(metricsBy(run.trials, (t) => t.caseId, k)),
  };
}
