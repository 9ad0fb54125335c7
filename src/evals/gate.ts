/**
 * The gate: decides from a {@link Comparison} whether a candidate may ship. It fails when the
 * candidate is significantly worse — McNemar p < alpha with more pairs regressing than improving,
 * and a pass-rate drop of at least the minimum effect — or when it is below an absolute floor
 * (pass rate, hallucination rate, cost per task, p95 latency), or when cost/latency rose by more
 * than the allowed share with confidence (the bootstrap interval's lower bound above it).
 */
import type { Comparison } from './compare.js';
import type { GateSettings } from './suite-schema.js';

/** Gate settings plus optional relative cost/latency limits. */
export interface GatePolicy extends GateSettings {
  /** Fail when cost per task rose by more than this share (e.g. 0.2 = +20 %) with confidence. */
  max_cost_increase?: number;
  /** Fail when mean latency rose by more than this share with confidence. */
  max_latency_increase?: number;
}

/** One check of the gate. */
export interface GateCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** The gate's decision. */
export interface GateDecision {
  passed: boolean;
  checks: GateCheck[];
  /** The failed checks' details. */
  reasons: string[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
const fmtP = (p: number): string => (p < 1e-4 ? p.toExponential(2) : p.toFixed(4));

/**
 * Applies `policy` to a comparison of baseline (A) and candidate (B).
 *
 * @example
 * ```ts
 * const d = decideGate(compareRuns(base, cand), { alpha: 0.05, min_effect: 0.05 });
 * if (!d.passed) console.error(d.reasons.join('\n'));
 * ```
 */
export function decideGate(cmp: Comparison, policy: GatePolicy): GateDecision {
  const checks: GateCheck[] = [];
  const { mcnemar: m, passRate: d } = cmp;
  const A = cmp.a.metrics;
  const B = cmp.b.metrics;
  const drop = -d.estimate;
  const significant = m.b > m.c && m.p < policy.alpha;
  const regressed = significant && drop >= policy.min_effect;
  checks.push({
    name: 'regression',
    ok: !regressed,
    detail:
      `pass rate ${pct(B.goalRate)} vs baseline ${pct(A.goalRate)} (${pp(d.estimate)}, ${Math.round(cmp.level * 100)}% CI [${pp(d.lo)}, ${pp(d.hi)}]); ` +
      `McNemar b=${m.b} c=${m.c} p=${fmtP(m.p)} ${m.p < policy.alpha ? '<' : '≥'} alpha ${policy.alpha}; ` +
      `drop ${(drop * 100).toFixed(1)} pp ${drop >= policy.min_effect ? '≥' : '<'} min effect ${(policy.min_effect * 100).toFixed(1)} pp` +
      (regressed ? ': significantly worse' : significant ? ': significant but below the minimum effect' : ': no significant regression'),
  });
  if (policy.min_pass_rate !== undefined)
    checks.push({ name: 'min_pass_rate', ok: B.goalRate >= policy.min_pass_rate, detail: `pass rate ${pct(B.goalRate)} ${B.goalRate >= policy.min_pass_rate ? '≥' : '<'} floor ${pct(policy.min_pass_rate)}` });
  if (policy.max_hallucination_rate !== undefined)
    checks.push({
      name: 'max_hallucination_rate',
      ok: B.hallucinationRate <= policy.max_hallucination_rate,
      detail: `hallucination rate ${pct(B.hallucinationRate)} ${B.hallucinationRate <= policy.max_hallucination_rate ? '≤' : '>'} ceiling ${pct(policy.max_hallucination_rate)}`,
    });
  if (policy.max_cost_per_task_usd !== undefined) {
    const usd = B.meanCostMicros / 1e6;
    checks.push({ name: 'max_cost_per_task', ok: usd <= policy.max_cost_per_task_usd, detail: `cost per task $${usd.toFixed(6)} ${usd <= policy.max_cost_per_task_usd ? '≤' : '>'} ceiling $${policy.max_cost_per_task_usd}` });
  }
  if (policy.max_p95_latency_ms !== undefined)
    checks.push({ name: 'max_p95_latency', ok: B.p95LatencyMs <= policy.max_p95_latency_ms, detail: `p95 latency ${B.p95LatencyMs.toFixed(0)} ms ${B.p95LatencyMs <= policy.max_p95_latency_ms ? '≤' : '>'} ceiling ${policy.max_p95_latency_ms} ms` });
  if (policy.max_cost_increase !== undefined) {
    const c = cmp.costChange;
    checks.push({ name: 'cost_increase', ok: !(c.lo > policy.max_cost_increase), detail: `cost per task change ${pct(c.estimate)} (CI [${pct(c.lo)}, ${pct(c.hi)}]) vs allowed +${pct(policy.max_cost_increase)}` });
  }
  if (policy.max_latency_increase !== undefined) {
    const c = cmp.latencyChange;
    checks.push({ name: 'latency_increase', ok: !(c.lo > policy.max_latency_increase), detail: `mean latency change ${pct(c.estimate)} (CI [${pct(c.lo)}, ${pct(c.hi)}]) vs allowed +${pct(policy.max_latency_increase)}` });
  }
  if (cmp.pairs === 0) checks.push({ name: 'pairs', ok: false, detail: 'no paired trials: the runs share no case|persona|trial keys' });
  const reasons = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  return { passed: reasons.length === 0, checks, reasons };
}
