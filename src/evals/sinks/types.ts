/**
 * Where a run's results go, one trial at a time, so an interrupted run can resume: a re-run with
 * the same run id skips the trials its sink already holds.
 */
import type { RunMeta, RunResults, TrialResult } from '../results.js';

/** Stores a run's trials as they finish. */
export interface ResultSink {
  /**
   * Starts or resumes run `meta.id` and returns the trials already recorded for it.
   *
   * @throws {ConflictError} when the run id exists for another suite or agent.
   */
  open(meta: RunMeta): Promise<TrialResult[]>;
  /** Records one finished trial (durably, before the next one is counted). */
  append(result: TrialResult): Promise<void> | void;
  /** Marks the run finished. */
  finish(meta: RunMeta): Promise<void>;
}

/** Reads stored runs back. */
export interface RunSource {
  /** The run with this id, or undefined. */
  load(runId: string): Promise<RunResults | undefined>;
}
