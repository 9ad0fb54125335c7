/**
 * An in-memory run store: the embedded default for tests and library use.
 */
import type { RunMeta, RunResults, TrialResult } from '../results.js';
import { assertResumable } from './resume-check.js';
import type { ResultSink, RunSource } from './types.js';

/**
 * Keeps runs in memory; re-opening a run id resumes it.
 *
 * @example
 * ```ts
 * const store = new MemoryRunStore();
 * ```
 */
export class MemoryRunStore implements ResultSink, RunSource {
  private readonly runs = new Map<string, RunResults>();
  private current: RunResults | undefined;

  async open(meta: RunMeta): Promise<TrialResult[]> {
    const prev = this.runs.get(meta.id);
    if (prev) {
      assertResumable(prev.meta, meta);
      meta.startedAt = prev.meta.startedAt;
      prev.meta = { ...meta };
      this.current = prev;
      return [...prev.trials];
    }
    this.current = { meta: { ...meta }, trials: [] };
    this.runs.set(meta.id, this.current);
    return [];
  }

  append(result: TrialResult): void {
    this.current?.trials.push(result);
  }

  async finish(meta: RunMeta): Promise<void> {
    if (this.current) this.current.meta.finishedAt = meta.finishedAt;
  }

  async load(runId: string): Promise<RunResults | undefined> {
    const r = this.runs.get(runId);
    return r ? { meta: { ...r.meta }, trials: [...r.trials] } : undefined;
  }
}
