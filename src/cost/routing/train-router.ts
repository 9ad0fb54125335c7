/**
 * Learns a router policy from eval runs: for each feature bucket (task label × prompt length, then
 * task label alone, then everything) the cheapest model whose eval success is within `margin` of
 * the best model's; or, when a cheaper model is not within the margin but a verified cascade from it
 * is expected to cost less than the qualifying model, that cheap model with `verify: true`.
 *
 * The expected cost of a verified route from model c up to model q is
 * `cost(c) · (1 + probeOverhead) + (1 − s_c²) · cost(q)`: the answer, its verification, and the
 * escalations (a consistency check accepts roughly when two samples both succeed, s_c²).
 */
import { countChatTokens } from '../../metering/tokenizer.js';
import type { RunResults } from '../../evals/results.js';
import { lengthBucket } from './features.js';
import type { BucketEvidence, LearnedPolicy, LearnedRoute } from './learned-policy.js';

/** A case as the trainer needs it. */
export interface TrainingCase {
  id: string;
  input: string;
  tags: readonly string[];
}

/** Options of {@link trainRouter}. */
export interface TrainRouterOptions {
  suite: string;
  /** System prompt of the agent under test (for prompt length). */
  system?: string;
  cases: readonly TrainingCase[];
  /** Eval runs; each run's `meta.agent.model` is the model it evaluated. */
  runs: readonly RunResults[];
  /** Allowed success drop, absolute (0.02 = 2 points). */
  margin: number;
  /** Consider verified (cascade) routes. */
  cascade?: boolean;
  /** Verification cost as a share of the cheap answer's cost (consistency probe ≈ 0.5). */
  probeOverhead?: number;
  /** Fewest trials a bucket needs to get its own route. */
  minTrials?: number;
  now?: () => number;
}

/** The task label of a case: a `task=x` or `task:x` tag, else its first tag, else `*`. */
export function taskLabelOf(tags: readonly string[]): string {
  for (const t of tags) {
    const m = /^task[=:](.+)$/.exec(t);
    if (m) return m[1]!;
  }
  return tags[0] ?? '*';
}

interface Acc {
  trials: number;
  passed: number;
  cost: number;
  runs: Set<string>;
}

function evidence(byModel: Map<string, Acc>): BucketEvidence[] {
  return [...byModel].map(([model, a]) => ({ model, trials: a.trials, passed: a.passed, success: a.trials ? a.passed / a.trials : 0, cost_micros_per_trial: a.trials ? a.cost / a.trials : 0, runs: [...a.runs].sort() }));
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Chooses the route of one bucket from its per-model evidence. */
export function chooseRoute(ev: readonly BucketEvidence[], margin: number, cascade: boolean, probeOverhead: number): LearnedRoute | null {
  const models = ev.filter((e) => e.trials > 0).sort((a, b) => a.cost_micros_per_trial - b.cost_micros_per_trial);
  if (!models.length) return null;
  const best = Math.max(...models.map((m) => m.success));
  const ok = models.find((m) => m.success >= best - margin)!;
  let route: LearnedRoute = { model: ok.model, verify: false, reason: `${pct(ok.success)} success vs best ${pct(best)} (margin ${pct(margin)})`, evidence: [...ev] };
  if (cascade) {
    let bestCost = ok.cost_micros_per_trial;
    for (const c of models) {
      if (c.cost_micros_per_trial >= ok.cost_micros_per_trial) break;
      const expected = c.cost_micros_per_trial * (1 + probeOverhead) + (1 - c.success * c.success) * ok.cost_micros_per_trial;
      if (expected < bestCost * 0.95) {
        bestCost = expected;
        route = { model: c.model, verify: true, reason: `${pct(c.success)} success alone; verified with escalation to ${ok.model}: expected ${Math.round(expected)} µ$ vs ${Math.round(ok.cost_micros_per_trial)} µ$ per task`, evidence: [...ev] };
      }
    }
  }
  return route;
}

/**
 * Trains a router policy.
 *
 * @example
 * ```ts
 * const policy = trainRouter({ suite: 'support', cases, runs: [miniRun, largeRun], margin: 0.02, cascade: true });
 * writeFileSync('.daca/router/support.json', JSON.stringify(policy, null, 2));
 * ```
 */
export function trainRouter(o: TrainRouterOptions): LearnedPolicy {
  const keyOf = new Map<string, string[]>();
  for (const c of o.cases) {
    const task = taskLabelOf(c.tags);
    const tokens = countChatTokens(o.system ? [{ role: 'system', content: o.system }, { role: 'user', content: c.input }] : [{ role: 'user', content: c.input }]);
    keyOf.set(c.id, [`task=${task}|len=${lengthBucket(tokens)}`, `task=${task}`, '*']);
  }
  const buckets = new Map<string, Map<string, Acc>>();
  const models = new Set<string>();
  for (const run of o.runs) {
    const model = run.meta.agent.model;
    if (!model) continue;
    models.add(model);
    for (const t of run.trials) {
      for (const key of keyOf.get(t.caseId) ?? []) {
        let b = buckets.get(key);
        if (!b) buckets.set(key, (b = new Map()));
        let a = b.get(model);
        if (!a) b.set(model, (a = { trials: 0, passed: 0, cost: 0, runs: new Set() }));
        a.trials++;
        if (t.passed) a.passed++;
        a.cost += t.costMicros;
        a.runs.add(run.meta.id);
      }
    }
  }
  const minTrials = o.minTrials ?? 10;
  const routes: Record<string, LearnedRoute> = {};
  for (const [key, b] of [...buckets].sort(([a], [c]) => a.localeCompare(c))) {
    const ev = evidence(b);
    if (key !== '*' && ev.some((e) => e.trials < minTrials)) continue;
    const r = chooseRoute(ev, o.margin, !!o.cascade, o.probeOverhead ?? 0.5);
    if (r) routes[key] = r;
  }
  return { version: 1, suite: o.suite, trained_at: new Date((o.now ?? Date.now)()).toISOString(), margin: o.margin, models: [...models], routes };
}
