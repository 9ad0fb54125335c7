/**
 * The advisor over a running node's data: usage events of the window from the store, eval runs
 * from the store and JSONL folders, prices from the model catalog.
 */
import type { ModelCatalog } from '../../spec/resolve.js';
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import type { TrainingCase } from '../routing/train-router.js';
import { adviseAgent, type Advice } from './advisor.js';
import { loadEvalRuns } from './evidence.js';

/** A suite's cases sent with an advice request (for router recommendations). */
export interface SuiteCases {
  name: string;
  system?: string;
  cases: TrainingCase[];
}

/** Options of {@link adviseNode}. */
export interface AdviseNodeOptions {
  store: Pick<Store, 'db' | 'usage'>;
  catalog: ModelCatalog;
  spec: Spec;
  /** JSONL run folders (e.g. `.daca/evals`). */
  jsonlDirs: readonly string[];
  /** One agent, else every agent with usage or declared in the spec. */
  agent?: string;
  margin: number;
  days: number;
  /** Eval suites per agent (default: the suite named like the agent, else every run). */
  suite?: SuiteCases;
  now?: () => number;
}

/**
 * Advice for one or every agent.
 *
 * @example
 * ```ts
 * const advice = await adviseNode({ store, catalog, spec, jsonlDirs: ['.daca/evals'], margin: 0.02, days: 30 });
 * ```
 */
export async function adviseNode(o: AdviseNodeOptions): Promise<Advice[]> {
  const now = (o.now ?? Date.now)();
  const from = now - o.days * 86_400_000;
  const allRuns = await loadEvalRuns({ store: o.store, jsonlDirs: o.jsonlDirs });
  const agents = o.agent ? [o.agent] : [...new Set([...Object.keys(o.spec.agents), ...(await o.store.usage.query({ groupBy: ['agent'], from, to: now })).groups.map((g) => g.key.agent ?? '')])].filter(Boolean).sort();
  const priceOf = (m: string) => {
    const r = o.catalog.resolve(m);
    return r?.priceKnown ? r.price : undefined;
  };
  const out: Advice[] = [];
  for (const agent of agents) {
    const rows = await o.store.usage.list({ agent, from, to: now });
    const suiteName = o.suite?.name ?? agent;
    let runs = allRuns.filter((r) => r.meta.suite === suiteName);
    if (!runs.length && !o.suite && agents.length === 1) runs = allRuns;
    out.push(
      adviseAgent({
        agent,
        rows,
        evidence: { runs, ...(o.suite ? { cases: o.suite.cases, ...(o.suite.system ? { system: o.suite.system } : {}) } : {}) },
        margin: o.margin,
        priceOf,
        windowDays: o.days,
      }),
    );
  }
  return out;
}
