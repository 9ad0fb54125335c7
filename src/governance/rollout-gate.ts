/**
 * The eval gate before a rollout starts: runs an eval suite (src/evals) with the group's stable
 * version as the baseline and the candidate version, through daca, and returns the verdict as a
 * {@link GateRecord} (run ids are kept, so the candidate version links to its eval results).
 */
import { gateSuite, type GateOutcome } from '../evals/gate-run.js';
import { silentProgress, type ProgressReporter } from '../evals/progress.js';
import type { ResultSink, RunSource } from '../evals/sinks/types.js';
import { loadSuiteFile } from '../evals/suite-loader.js';
import type { GateRecord } from './types.js';

/** Options of {@link runRolloutGate}. */
export interface RolloutGateOptions {
  /** Suite YAML file. */
  suite: string;
  /** Model (or alias) of the stable version and of the candidate. */
  baselineModel: string;
  candidateModel: string;
  /** daca's OpenAI-compatible API and a virtual key for it. */
  baseUrl: string;
  apiKey?: string;
  store: ResultSink & RunSource;
  seed?: number;
  trials?: number;
  concurrency?: number;
  progress?: ProgressReporter;
}

/**
 * Runs the gate; `outcome` has the full comparison for printing.
 *
 * @example
 * ```ts
 * const { record } = await runRolloutGate({ suite: 'suites/support.yaml', baselineModel: 'model-a', candidateModel: 'model-c', baseUrl, apiKey, store });
 * if (!record.passed) console.error(record.reasons);
 * ```
 */
export async function runRolloutGate(o: RolloutGateOptions): Promise<{ record: GateRecord; outcome: GateOutcome }> {
  const suite = await loadSuiteFile(o.suite);
  const outcome = await gateSuite({
    suite, store: o.store, baseline: o.baselineModel, candidate: o.candidateModel, baseUrl: o.baseUrl,
    ...(o.apiKey ? { apiKey: o.apiKey } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.trials !== undefined ? { trials: o.trials } : {}),
    concurrency: o.concurrency ?? 8,
    progress: o.progress ?? silentProgress,
  });
  return {
    record: { suite: suite.spec.name, passed: outcome.decision.passed, reasons: outcome.decision.reasons, baselineRun: outcome.baseline.meta.id, candidateRun: outcome.candidate.meta.id },
    outcome,
  };
}
