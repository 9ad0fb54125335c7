/**
 * Live analysis of a rollout: per-arm figures from the rollout's requests, the tests of every
 * guard and promotion condition, and the verdict (continue, promote, roll back).
 *
 * Guards roll back as soon as one is breached with significance (and the canary has served
 * `guardMinSamples` requests). Promotion needs every promotion condition met with significance,
 * with `minSamples` judged requests on each arm. When the rollout's time is up: without a
 * promotion criterion the canary is promoted (no guard breached); with one that is not met, it is
 * rolled back.
 */
import { quantileLinear } from '../util/quantiles.js';
import { isRate, type Condition } from './conditions.js';
import type { RolloutSample } from './rollout-repo.js';
import { binomialUpperTail, bootstrapMeanChange, twoProportionTest } from './stats.js';
import type { ArmPoint, ArmSeriesPoint, ArmStats, ConditionCheck, RolloutAnalysis } from './types.js';

/** Settings of an analysis. */
export interface AnalysisSettings {
  alpha: number;
  minSamples: number;
  guardMinSamples: number;
  guards: readonly Condition[];
  promotion: readonly Condition[];
  /** The rollout's time is up. */
  ended: boolean;
  now: number;
  /** Bootstrap seed (default 1). */
  seed?: number;
}

/** True when the request failed on daca's or the upstream's side (not the caller's). */
export function isError(s: Pick<RolloutSample, 'status' | 'errorCode'>): boolean {
  return s.status >= 500 || (s.status < 400 && s.errorCode !== null);
}

/** The success verdict of a request: its graded sample, else its feedback (> 0), else none. */
export function successOf(s: Pick<RolloutSample, 'graded' | 'feedback'>): boolean | null {
  if (s.graded !== null) return s.graded === 1;
  if (s.feedback !== null) return s.feedback > 0;
  return null;
}

interface ArmData {
  stats: ArmStats;
  success: number[];
  cost: number[];
  latency: number[];
}

function armData(samples: readonly RolloutSample[]): ArmData {
  let errors = 0;
  let blocks = 0;
  let successes = 0;
  const success: number[] = [];
  const cost: number[] = [];
  const latency: number[] = [];
  for (const s of samples) {
    if (isError(s)) errors++;
    if (s.errorCode === 'content_blocked') blocks++;
    const ok = successOf(s);
    if (ok !== null) {
      success.push(ok ? 1 : 0);
      if (ok) successes++;
    }
    if (s.status < 400) {
      cost.push(s.costMicros);
      latency.push(s.latencyMs);
    }
  }
  const n = samples.length;
  const mean = (x: number[]): number => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : 0);
  return {
    stats: {
      requests: n, errors, errorRate: n ? errors / n : 0, blocks, blockRate: n ? blocks / n : 0, judged: success.length, successes,
      successRate: success.length ? successes / success.length : null, meanCostMicros: mean(cost), meanLatencyMs: mean(latency), p95LatencyMs: quantileLinear(latency, 0.95) ?? 0,
    },
    success, cost, latency,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const fmtP = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function rateCounts(metric: Condition['metric'], a: ArmStats): { x: number; n: number } {
  if (metric === 'success') return { x: a.successes, n: a.judged };
  if (metric === 'error_rate') return { x: a.errors, n: a.requests };
  return { x: a.blocks, n: a.requests };
}

function valueOf(metric: Condition['metric'], a: ArmStats): number {
  return metric === 'latency_ms' ? a.meanLatencyMs : metric === 'p95_latency_ms' ? a.p95LatencyMs : a.meanCostMicros;
}

function fmtValue(metric: Condition['metric'], v: number): string {
  if (isRate(metric)) return pct(v);
  return metric === 'cost' ? `$${(v / 1e6).toFixed(6)}` : `${v.toFixed(0)} ms`;
}

/** Decides one condition: does the canary satisfy it, with significance? */
export function checkCondition(c: Condition, stable: ArmData, canary: ArmData, alpha: number, minN: number, seed: number): ConditionCheck {
  const S = stable.stats;
  const C = canary.stats;
  if (isRate(c.metric)) {
    const cs = rateCounts(c.metric, C);
    const ss = rateCounts(c.metric, S);
    const needStable = c.against === 'stable';
    if (cs.n < minN || (needStable && ss.n < minN))
      return { condition: c.text, holds: false, pending: true, detail: `waiting for data: canary ${cs.n}${needStable ? `, stable ${ss.n}` : ''} of ${minN} ${c.metric === 'success' ? 'judged ' : ''}requests` };
    const rc = cs.x / cs.n;
    if (c.against === 'absolute') {
      const p = c.op === '>' ? binomialUpperTail(cs.x, cs.n, c.value) : binomialUpperTail(cs.n - cs.x, cs.n, 1 - c.value);
      const holds = p < alpha;
      return { condition: c.text, holds, pending: false, p, detail: `canary ${c.metric} ${pct(rc)} (${cs.x}/${cs.n}) vs ${c.op} ${pct(c.value)}: exact binomial p=${fmtP(p)} ${holds ? '<' : '≥'} alpha ${alpha}` };
    }
    const rs = ss.x / ss.n;
    const margin = c.combine === 'mul' ? rs * (c.value - 1) : c.value;
    const t = c.op === '>' ? twoProportionTest(ss.x, ss.n, cs.x, cs.n, margin) : twoProportionTest(cs.x, cs.n, ss.x, ss.n, -margin);
    const holds = t.p < alpha;
    return {
      condition: c.text, holds, pending: false, p: t.p,
      detail: `canary ${c.metric} ${pct(rc)} (${cs.x}/${cs.n}) vs stable ${pct(rs)} (${ss.x}/${ss.n}), ${rc - rs >= 0 ? '+' : ''}${((rc - rs) * 100).toFixed(1)} pp; needs ${c.op} ${margin >= 0 ? '+' : ''}${(margin * 100).toFixed(1)} pp: two-proportion p=${fmtP(t.p)} ${holds ? '<' : '≥'} alpha ${alpha}`,
    };
  }
  const xs = c.metric === 'cost' ? canary.cost : canary.latency;
  const ys = c.metric === 'cost' ? stable.cost : stable.latency;
  if (xs.length < minN || (c.against === 'stable' && ys.length < minN))
    return { condition: c.text, holds: false, pending: true, detail: `waiting for data: canary ${xs.length}${c.against === 'stable' ? `, stable ${ys.length}` : ''} of ${minN} answered requests` };
  const cv = valueOf(c.metric, C);
  if (c.metric === 'p95_latency_ms' || c.against === 'absolute') {
    const bound = c.against === 'absolute' ? c.value : c.combine === 'mul' ? valueOf(c.metric, S) * c.value : valueOf(c.metric, S) + c.value;
    const holds = c.op === '>' ? cv > bound : cv < bound;
    return { condition: c.text, holds, pending: false, detail: `canary ${c.metric} ${fmtValue(c.metric, cv)} ${holds ? '' : 'not '}${c.op} ${fmtValue(c.metric, bound)}` };
  }
  const sv = valueOf(c.metric, S);
  const mode = c.combine === 'mul' ? 'relative' : 'absolute';
  const ci = bootstrapMeanChange(ys, xs, { seed, mode })!;
  const limit = c.combine === 'mul' ? c.value - 1 : c.value;
  const holds = c.op === '>' ? ci.lo > limit : ci.hi < limit;
  const show = (v: number): string => (mode === 'relative' ? `${v >= 0 ? '+' : ''}${pct(v)}` : fmtValue(c.metric, v));
  return {
    condition: c.text, holds, pending: false,
    detail: `canary ${c.metric} ${fmtValue(c.metric, cv)} vs stable ${fmtValue(c.metric, sv)}: change ${show(ci.estimate)}, 95% CI [${show(ci.lo)}, ${show(ci.hi)}] ${holds ? '' : 'not '}${c.op} ${show(limit)}`,
  };
}

/**
 * Analyses a rollout's requests.
 *
 * @example
 * ```ts
 * const a = analyseRollout(samples, { alpha: 0.05, minSamples: 30, guardMinSamples: 10, guards: parseConditions('error_rate > 2%'), promotion: [], ended: false, now: Date.now() });
 * a.verdict; // 'continue' | 'promote' | 'rollback'
 * ```
 */
export function analyseRollout(samples: readonly RolloutSample[], o: AnalysisSettings): RolloutAnalysis {
  const stable = armData(samples.filter((s) => s.arm === 'stable'));
  const canary = armData(samples.filter((s) => s.arm === 'canary'));
  const seed = o.seed ?? 1;
  const guards = o.guards.map((g) => checkCondition(g, stable, canary, o.alpha, o.guardMinSamples, seed));
  const promotion = o.promotion.map((c) => checkCondition(c, stable, canary, o.alpha, o.minSamples, seed));
  const S = stable.stats;
  const C = canary.stats;
  let successDiff: RolloutAnalysis['successDiff'] = null;
  if (S.judged && C.judged) {
    const ci = bootstrapMeanChange(stable.success, canary.success, { seed, mode: 'absolute' })!;
    successDiff = { ...ci, p: twoProportionTest(S.successes, S.judged, C.successes, C.judged).p };
  }
  const e = twoProportionTest(S.errors, S.requests, C.errors, C.requests);
  const analysis: RolloutAnalysis = {
    at: o.now, stable: S, canary: C, successDiff, errorDiff: { estimate: e.diff, p: e.p },
    costChange: bootstrapMeanChange(stable.cost, canary.cost, { seed }), latencyChange: bootstrapMeanChange(stable.latency, canary.latency, { seed }),
    guards, promotion, verdict: 'continue', reason: '',
  };
  const breached = guards.find((g) => g.holds);
  if (breached) return { ...analysis, verdict: 'rollback', reason: `guard breached: ${breached.condition} (${breached.detail})` };
  if (promotion.length && promotion.every((c) => c.holds)) return { ...analysis, verdict: 'promote', reason: `promotion criterion met: ${promotion.map((c) => `${c.condition} (${c.detail})`).join('; ')}` };
  if (o.ended) {
    if (!promotion.length) return { ...analysis, verdict: 'promote', reason: 'rollout period over with no guard breached' };
    const unmet = promotion.filter((c) => !c.holds);
    return { ...analysis, verdict: 'rollback', reason: `rollout period over and the promotion criterion was not met: ${unmet.map((c) => `${c.condition} (${c.detail})`).join('; ')}` };
  }
  const waiting = [...guards, ...promotion].filter((c) => c.pending).map((c) => c.condition);
  return { ...analysis, reason: waiting.length ? `collecting data (${waiting.join(', ')})` : 'no guard breached; promotion criterion not met yet' };
}

function point(samples: readonly RolloutSample[]): ArmPoint {
  if (!samples.length) return { requests: 0, errorRate: null, successRate: null, meanLatencyMs: null, meanCostMicros: null };
  const d = armData(samples).stats;
  return { requests: d.requests, errorRate: d.errorRate, successRate: d.successRate, meanLatencyMs: d.meanLatencyMs, meanCostMicros: d.meanCostMicros };
}

/**
 * Canary and stable per time bucket (for charts): `buckets` equal slices of `range` (default: the
 * samples' own span), widened to cover every sample.
 */
export function armSeries(samples: readonly RolloutSample[], buckets = 24, range?: { from: number; to: number }): ArmSeriesPoint[] {
  if (!samples.length) return [];
  let lo = range?.from ?? Infinity;
  let hi = range?.to ?? -Infinity;
  for (const s of samples) {
    if (s.ts < lo) lo = s.ts;
    if (s.ts > hi) hi = s.ts;
  }
  const step = Math.max(1000, Math.ceil((hi - lo + 1) / buckets));
  const n = Math.floor((hi - lo) / step) + 1;
  const groups: { stable: RolloutSample[]; canary: RolloutSample[] }[] = Array.from({ length: n }, () => ({ stable: [], canary: [] }));
  for (const s of samples) groups[Math.floor((s.ts - lo) / step)]![s.arm].push(s);
  return groups.map((g, i) => ({ ts: lo + i * step, stable: point(g.stable), canary: point(g.canary) }));
}
