/**
 * The savings advisor: per agent, the cheapest model or routing policy that keeps its eval success
 * within a margin of what it has now, and what that would have saved on the agent's real usage
 * (the last `windowDays` of usage events, re-priced), with the eval runs behind it.
 */
import type { RunResults } from '../../evals/results.js';
import type { LearnedPolicy } from '../routing/learned-policy.js';
import { trainRouter, type TrainingCase } from '../routing/train-router.js';
import { billedRows, repriceFixed, replayPolicy, type PriceOf, type UsageRow } from './reprice.js';

/** The eval evidence of one agent. */
export interface AgentEvidence {
  runs: readonly RunResults[];
  /** The suite's cases (task tags), needed for a router recommendation. */
  cases?: readonly TrainingCase[];
  system?: string;
}

/** Inputs of {@link adviseAgent}. */
export interface AdviseOptions {
  agent: string;
  /** The agent's usage rows of the window. */
  rows: readonly UsageRow[];
  evidence: AgentEvidence;
  /** Allowed success drop, absolute (0.02 = 2 points). */
  margin: number;
  priceOf: PriceOf;
  windowDays: number;
  /** Verification overhead assumed for verified routes (see `trainRouter`). */
  probeOverhead?: number;
}

/** One option the advisor weighed. */
export interface AdviceCandidate {
  kind: 'model' | 'router';
  /** The model (kind `model`) or `router`. */
  name: string;
  /** Eval success (router: usage-weighted expected success). */
  success: number;
  projectedCostMicros: number;
  /** Within the margin of the reference success. */
  qualifies: boolean;
}

/** One eval run used as evidence. */
export interface EvidenceRun {
  run: string;
  suite: string;
  model: string | null;
  trials: number;
  passed: number;
  success: number;
}

/** The advice for one agent. */
export interface Advice {
  agent: string;
  windowDays: number;
  margin: number;
  current: { model: string | null; requests: number; costMicros: number; success: number | null };
  /** The success a recommendation must stay within `margin` of (current model's, else the best evaluated). */
  referenceSuccess: number | null;
  recommendation: {
    kind: 'model' | 'router' | 'keep';
    name: string;
    success: number | null;
    projectedCostMicros: number;
    savingMicros: number;
    savingPct: number;
    /** The agent's `routing:` section that applies it. */
    routing: Record<string, unknown> | null;
    policy?: LearnedPolicy;
    reason: string;
  };
  candidates: AdviceCandidate[];
  evidence: EvidenceRun[];
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * Advises one agent.
 *
 * @example
 * ```ts
 * const advice = adviseAgent({ agent: 'support', rows, evidence: { runs, cases }, margin: 0.02, priceOf, windowDays: 30 });
 * advice.recommendation; // { kind: 'model', name: 'gpt-4o-mini', savingMicros: 1234567, … }
 * ```
 */
export function adviseAgent(o: AdviseOptions): Advice {
  const billed = billedRows(o.rows);
  const byModel = new Map<string, number>();
  let currentCost = 0;
  for (const r of billed) {
    byModel.set(r.model, (byModel.get(r.model) ?? 0) + 1);
    currentCost += r.costMicros;
  }
  const currentModel = [...byModel].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;

  const evidence: EvidenceRun[] = o.evidence.runs.map((run) => {
    const passed = run.trials.filter((t) => t.passed).length;
    return { run: run.meta.id, suite: run.meta.suite, model: run.meta.agent.model, trials: run.trials.length, passed, success: run.trials.length ? passed / run.trials.length : 0 };
  });
  const success = new Map<string, { trials: number; passed: number }>();
  for (const e of evidence) {
    if (!e.model) continue;
    const s = success.get(e.model) ?? { trials: 0, passed: 0 };
    s.trials += e.trials;
    s.passed += e.passed;
    success.set(e.model, s);
  }
  const rate = (m: string): number | null => {
    const s = success.get(m);
    return s && s.trials ? s.passed / s.trials : null;
  };
  const currentSuccess = currentModel ? rate(currentModel) : null;
  const rates = [...success.keys()].map((m) => rate(m) ?? 0);
  const reference = currentSuccess ?? (rates.length ? Math.max(...rates) : null);

  const candidates: AdviceCandidate[] = [];
  const priced = [...success.keys()].filter((m) => o.priceOf(m));
  for (const m of priced) {
    const s = rate(m)!;
    candidates.push({ kind: 'model', name: m, success: s, projectedCostMicros: repriceFixed(billed, m, o.priceOf), qualifies: reference !== null && s >= reference - o.margin });
  }
  let policy: LearnedPolicy | undefined;
  if (priced.length >= 2 && o.evidence.cases?.length) {
    const unit = (m: string): number => {
      const p = o.priceOf(m)!;
      return p.input + p.output;
    };
    const models = [...priced].sort((a, b) => unit(a) - unit(b));
    policy = trainRouter({ suite: o.evidence.runs[0]!.meta.suite, ...(o.evidence.system ? { system: o.evidence.system } : {}), cases: o.evidence.cases, runs: o.evidence.runs, margin: o.margin, cascade: true, ...(o.probeOverhead !== undefined ? { probeOverhead: o.probeOverhead } : {}) });
    policy = { ...policy, models };
    const r = replayPolicy(billed, policy, models, o.priceOf, o.probeOverhead);
    candidates.push({ kind: 'router', name: 'router', success: r.success, projectedCostMicros: r.costMicros, qualifies: reference !== null && r.success >= reference - o.margin });
  }

  const best = candidates.filter((c) => c.qualifies).sort((a, b) => a.projectedCostMicros - b.projectedCostMicros)[0];
  const keep = !best || best.projectedCostMicros >= currentCost;
  const saving = keep ? 0 : currentCost - best.projectedCostMicros;
  const routing: Record<string, unknown> | null = keep
    ? null
    : best.kind === 'model'
      ? { policy: 'fixed', models: [best.name] }
      : { policy: 'router', models: policy!.models, verifiers: [{ type: 'heuristic' }, { type: 'consistency' }], learned: `.daca/router/${o.agent}.json` };
  const reason = keep
    ? best
      ? `nothing evaluated is cheaper than the current spend within ${pct(o.margin)} of ${pct(reference ?? 0)} success`
      : reference === null
        ? 'no eval runs: run `daca eval run` for this agent on candidate models first'
        : `no evaluated model or policy stays within ${pct(o.margin)} of ${pct(reference)} success`
    : `${best.kind === 'model' ? best.name : 'the learned router'} keeps ${pct(best.success)} success (reference ${pct(reference!)}, margin ${pct(o.margin)}) and would have cost ${(best.projectedCostMicros / 1e6).toFixed(4)} USD instead of ${(currentCost / 1e6).toFixed(4)} USD over ${o.windowDays} days`;
  return {
    agent: o.agent,
    windowDays: o.windowDays,
    margin: o.margin,
    current: { model: currentModel, requests: billed.length, costMicros: currentCost, success: currentSuccess },
    referenceSuccess: reference,
    recommendation: {
      kind: keep ? 'keep' : best.kind,
      name: keep ? (currentModel ?? '') : best.name,
      success: keep ? currentSuccess : best.success,
      projectedCostMicros: keep ? currentCost : best.projectedCostMicros,
      savingMicros: saving,
      savingPct: currentCost > 0 ? saving / currentCost : 0,
      routing,
      ...(!keep && best.kind === 'router' && policy ? { policy } : {}),
      reason,
    },
    candidates,
    evidence,
  };
}
