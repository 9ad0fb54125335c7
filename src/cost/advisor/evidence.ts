/**
 * Where the advisor finds eval runs: the daca store (`eval_runs`, migration 006) and folders of
 * JSONL run files (`daca eval run`'s default `.daca/evals`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResults } from '../../evals/results.js';
import { parseRunJsonl } from '../../evals/sinks/jsonl-sink.js';
import { StoreRunRepo } from '../../evals/sinks/store-sink.js';
import type { Store } from '../../store/types.js';

/** Where to look for runs. */
export interface EvidenceSources {
  store?: Pick<Store, 'db'>;
  jsonlDirs?: readonly string[];
  /** Only runs of these suites (default: all). */
  suites?: readonly string[];
  /** Most runs read from the store (newest first). */
  limit?: number;
}

/**
 * Loads eval runs from every source (runs with the same id are read once; the store wins).
 *
 * @example
 * ```ts
 * const runs = await loadEvalRuns({ store, jsonlDirs: ['.daca/evals'], suites: ['support'] });
 * ```
 */
export async function loadEvalRuns(src: EvidenceSources): Promise<RunResults[]> {
  const want = src.suites?.length ? new Set(src.suites) : null;
  const out = new Map<string, RunResults>();
  if (src.store) {
    const repo = new StoreRunRepo(src.store);
    for (const meta of await repo.list({ limit: src.limit ?? 200 })) {
      if (want && !want.has(meta.suite)) continue;
      const run = await repo.load(meta.id);
      if (run) out.set(meta.id, run);
    }
  }
  for (const dir of src.jsonlDirs ?? []) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.jsonl')) continue;
      try {
        const run = parseRunJsonl(readFileSync(join(dir, f), 'utf8'), f);
        if ((!want || want.has(run.meta.suite)) && !out.has(run.meta.id)) out.set(run.meta.id, run);
      } catch {
        /* not a run file */
      }
    }
  }
  return [...out.values()];
}
