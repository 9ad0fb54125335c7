/**
 * JSON views of eval runs and comparisons for `/api/evals` (snake_case, money in USD at the edge,
 * micro-dollars kept inside).
 */
import type { Comparison } from '../../evals/compare.js';
import { computeMetrics, metricsBy, type Metrics } from '../../evals/metrics.js';
import type { RunMeta, RunResults, TrialResult } from '../../evals/results.js';
import type { Interval } from '../../evals/stats/bootstrap.js';

const usd = (micros: number): number => Math.round(micros) / 1e6;

/** The JSON view of a set of trials' metrics. */
export function metricsView(m: Metrics): Record<string, number | null> {
  return {
    trials: m.trials,
    completion_rate: m.completionRate,
    pass_rate: m.goalRate,
    hallucination_rate: m.hallucinationRate,
    mean_time_to_success_ms: m.meanTimeToSuccessMs,
    mean_turns: m.meanTurns,
    mean_tokens: m.meanTokens,
    cost_per_task_usd: usd(m.meanCostMicros),
    mean_latency_ms: m.meanLatencyMs,
    p50_latency_ms: m.p50LatencyMs,
    p95_latency_ms: m.p95LatencyMs,
    k: m.k,
    pass_at_k: m.passAtK,
    pass_hat_k: m.passHatK,
  };
}

/** The totals {@link runRowView} needs (from the trials, or summed by the store). */
export interface RunRowTotals {
  trials: number;
  passed: number;
  costMicros: number;
}

/** The totals of a loaded run. */
export function totalsOf(run: RunResults): RunRowTotals {
  let passed = 0;
  let cost = 0;
  for (const t of run.trials) {
    if (t.passed) passed++;
    cost += t.costMicros;
  }
  return { trials: run.trials.length, passed, costMicros: cost };
}

/** One row of `GET /api/evals/runs`: the run's metadata and its headline figures. */
export function runRowView(m: RunMeta, x: RunRowTotals): Record<string, unknown> {
  return {
    id: m.id,
    suite: m.suite,
    suite_hash: m.suiteHash,
    source: m.source,
    agent: m.agent.kind,
    model: m.agent.model,
    version: m.agent.version,
    seed: m.seed,
    cases: m.cases,
    personas: m.personas,
    trials_per_case: m.trials,
    started_at: m.startedAt,
    finished_at: m.finishedAt,
    status: m.finishedAt === null ? 'unfinished' : 'finished',
    trials: x.trials,
    expected_trials: m.cases * m.personas.length * m.trials,
    passed: x.passed,
    pass_rate: x.trials ? x.passed / x.trials : null,
    cost_usd: usd(x.costMicros),
    cost_per_task_usd: x.trials ? usd(x.costMicros / x.trials) : null,
  };
}

function trialView(t: TrialResult): Record<string, unknown> {
  return {
    key: t.key, case: t.caseId, persona: t.persona, trial: t.trial, passed: t.passed, completed: t.completed, hallucinated: t.hallucinated,
    error: t.error, turns: t.turns, latency_ms: t.latencyMs, cost_usd: usd(t.costMicros),
    failed_graders: t.grades.filter((g) => !g.pass).map((g) => ({ name: g.name, reason: g.reason ?? null })),
    output: t.output.length > 300 ? `${t.output.slice(0, 300)}…` : t.output,
  };
}

const natural = new Intl.Collator('en', { numeric: true });

/** Orders `[persona, …]` entries as the run declares its personas (stores return trials in key order). */
function byPersona(run: RunResults): (x: [string, unknown], y: [string, unknown]) => number {
  const at = (p: string): number => {
    const i = run.meta.personas.indexOf(p);
    return i < 0 ? Infinity : i;
  };
  return ([x], [y]) => at(x) - at(y) || natural.compare(x, y);
}

/** `GET /api/evals/runs/:id`: the row, suite, per-persona and per-case metrics, and the trials (failed first). */
export function runDetailView(run: RunResults, maxTrials = 2000): Record<string, unknown> {
  const k = run.meta.trials;
  const trials = [...run.trials].sort((a, b) => Number(a.passed) - Number(b.passed) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    run: { ...runRowView(run.meta, totalsOf(run)), eval_cost_usd: usd(run.trials.reduce((s, t) => s + t.evalCostMicros, 0)) },
    metrics: metricsView(computeMetrics(run.trials, k)),
    by_persona: [...metricsBy(run.trials, (t) => t.persona, k)].sort(byPersona(run)).map(([persona, m]) => ({ persona, ...metricsView(m) })),
    by_case: [...metricsBy(run.trials, (t) => t.caseId, k)].sort(([x], [y]) => natural.compare(x, y)).map(([c, m]) => ({ case: c, ...metricsView(m) })),
    trials: trials.slice(0, maxTrials).map(trialView),
    trials_truncated: trials.length > maxTrials,
  };
}

function intervalView(i: Interval, scale = 1): { estimate: number; lo: number; hi: number } {
  return { estimate: i.estimate * scale, lo: i.lo * scale, hi: i.hi * scale };
}

/** Paired pass rates of A and B per persona (over the trials both runs have). */
function personaPairs(a: RunResults, b: RunResults): { persona: string; pairs: number; a_pass_rate: number; b_pass_rate: number }[] {
  const bByKey = new Map(b.trials.map((t) => [t.key, t]));
  const by = new Map<string, { n: number; a: number; b: number }>();
  for (const ta of a.trials) {
    const tb = bByKey.get(ta.key);
    if (!tb) continue;
    const g = by.get(ta.persona) ?? { n: 0, a: 0, b: 0 };
    g.n++;
    if (ta.passed) g.a++;
    if (tb.passed) g.b++;
    by.set(ta.persona, g);
  }
  return [...by].sort(byPersona(a)).map(([persona, g]) => ({ persona, pairs: g.n, a_pass_rate: g.a / g.n, b_pass_rate: g.b / g.n }));
}

/** Cases whose outcome differs between the runs: `regressed` (passed only under A) and `improved`. */
function discordantCases(a: RunResults, b: RunResults): { regressed: string[]; improved: string[] } {
  const bByKey = new Map(b.trials.map((t) => [t.key, t]));
  const regressed = new Set<string>();
  const improved = new Set<string>();
  for (const ta of a.trials) {
    const tb = bByKey.get(ta.key);
    if (!tb || ta.passed === tb.passed) continue;
    (ta.passed ? regressed : improved).add(ta.caseId);
  }
  return { regressed: [...regressed].sort(natural.compare), improved: [...improved].sort(natural.compare) };
}

/** `GET /api/evals/compare`: both runs, McNemar, bootstrap intervals (B − A) and per-persona pass rates. */
export function comparisonView(c: Comparison, a: RunResults, b: RunResults): Record<string, unknown> {
  const alpha = 1 - c.level;
  const excludesZero = c.passRate.lo > 0 || c.passRate.hi < 0;
  const significant = c.mcnemar.p < alpha && excludesZero;
  const dir = c.passRate.estimate < 0 ? 'worse' : c.passRate.estimate > 0 ? 'better' : 'the same';
  const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
  return {
    a: { ...runRowView(a.meta, totalsOf(a)), metrics: metricsView(c.a.metrics) },
    b: { ...runRowView(b.meta, totalsOf(b)), metrics: metricsView(c.b.metrics) },
    pairs: c.pairs,
    unpaired: c.unpaired,
    same_suite: c.sameSuite,
    level: c.level,
    mcnemar: { b: c.mcnemar.b, c: c.mcnemar.c, p: c.mcnemar.p },
    pass_rate: intervalView(c.passRate),
    hallucination_rate: intervalView(c.hallucinationRate),
    cost_per_task_usd: intervalView(c.costPerTaskMicros, 1e-6),
    cost_change: intervalView(c.costChange),
    latency_ms: intervalView(c.latencyMs),
    latency_change: intervalView(c.latencyChange),
    significant,
    summary:
      `${b.meta.id} is ${dir} than ${a.meta.id} on pass rate (${pp(c.passRate.estimate)}, ${Math.round(c.level * 100)}% CI ${pp(c.passRate.lo)} to ${pp(c.passRate.hi)}); ` +
      `McNemar p = ${c.mcnemar.p.toPrecision(3)} over ${c.pairs} paired trials (${c.mcnemar.b} passed only in A, ${c.mcnemar.c} only in B): ` +
      `${significant ? 'significant' : 'not significant'} at ${Math.round(alpha * 100)}%.`,
    by_persona: personaPairs(a, b),
    cases: discordantCases(a, b),
  };
}
