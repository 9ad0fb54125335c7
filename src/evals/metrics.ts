/**
 * Metrics of a set of trials — per case, per persona and per suite: completion rate, goal
 * achievement rate, hallucination rate, time to success, turns, tokens and cost per task, latency
 * percentiles, and pass@k / pass^k over the trials of each (case, persona).
 */
import type { TrialResult } from './results.js';
import { quantileNearestRank } from '../util/quantiles.js';
import { passAtK, passHatK } from './stats/pass-at-k.js';

/** Aggregates of a set of trials. Rates are in [0, 1]; money in micro-dollars. */
export interface Metrics {
  trials: number;
  completionRate: number;
  /** Share of trials whose graders all passed. */
  goalRate: number;
  hallucinationRate: number;
  /** Mean time to success over successful trials, ms (null: no success). */
  meanTimeToSuccessMs: number | null;
  meanTurns: number;
  meanTokens: number;
  meanCostMicros: number;
  meanLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  /** k used for pass@k and pass^k (the smallest trial count over the units). */
  k: number;
  passAtK: number;
  passHatK: number;
}

/**
 * Aggregates trials; `k` defaults to the fewest trials of any (case, persona) unit.
 *
 * @example
 * ```ts
 * const m = computeMetrics(results.trials);
 * console.log(m.goalRate, m.passAtK);
 * ```
 */
export function computeMetrics(trials: readonly TrialResult[], k?: number): Metrics {
  const n = trials.length;
  let completed = 0;
  let passed = 0;
  let halluc = 0;
  let tts = 0;
  let turns = 0;
  let tokens = 0;
  let cost = 0;
  let latSum = 0;
  const lat: number[] = new Array(n);
  const units = new Map<string, { n: number; c: number }>();
  for (let i = 0; i < n; i++) {
    const t = trials[i]!;
    if (t.completed) completed++;
    if (t.passed) {
      passed++;
      tts += t.timeToSuccessMs ?? t.latencyMs;
    }
    if (t.hallucinated) halluc++;
    turns += t.turns;
    tokens += t.promptTokens + t.completionTokens;
    cost += t.costMicros;
    lat[i] = t.latencyMs;
    latSum += t.latencyMs;
    const key = `${t.caseId}|${t.persona}`;
    const u = units.get(key);
    if (u) {
      u.n++;
      if (t.passed) u.c++;
    } else units.set(key, { n: 1, c: t.passed ? 1 : 0 });
  }
  let minN = Infinity;
  for (const u of units.values()) minN = Math.min(minN, u.n);
  const kk = Math.max(1, Math.min(k ?? minN, minN === Infinity ? 1 : minN));
  let pak = 0;
  let phk = 0;
  for (const u of units.values()) {
    pak += passAtK(u.n, u.c, kk);
    phk += passHatK(u.n, u.c, kk);
  }
  const d = Math.max(1, n);
  return {
    trials: n,
    completionRate: completed / d,
    goalRate: passed / d,
    hallucinationRate: halluc / d,
    meanTimeToSuccessMs: passed ? tts / passed : null,
    meanTurns: turns / d,
    meanTokens: tokens / d,
    meanCostMicros: cost / d,
    meanLatencyMs: latSum / d,
    p50LatencyMs: quantileNearestRank(lat, 0.5) ?? 0,
    p95LatencyMs: quantileNearestRank(lat, 0.95) ?? 0,
    k: kk,
    passAtK: units.size ? pak / units.size : 0,
    passHatK: units.size ? phk / units.size : 0,
  };
}

/** Metrics grouped by a key (case id, persona, …), in first-seen order. */
export function metricsBy(trials: readonly TrialResult[], key: (t: TrialResult) => string, k?: number): Map<string, Metrics> {
  const groups = new Map<string, TrialResult[]>();
  for (const t of trials) {
    const g = key(t);
    const list = groups.get(g);
    if (list) list.push(t);
    else groups.set(g, [t]);
  }
  const out = new Map<string, Metrics>();
  for (const [g, list] of groups) out.set(g, computeMetrics(list, k));
  return out;
}
