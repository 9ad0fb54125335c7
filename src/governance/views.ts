/**
 * JSON views of governance objects for the admin API, the CLI and the dashboard (snake_case,
 * times as ms plus ISO strings, money in micro-dollars).
 */
import type { TimelineEntry } from './rollout-service.js';
import type { AliasChange, ArmSeriesPoint, ArmStats, ModelAlias, ModelVersion, Rollout, RolloutAnalysis, RolloutEvent } from './types.js';

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

/** A version as JSON. */
export function versionView(v: ModelVersion) {
  return {
    id: v.id, model: v.model, provider: v.provider, upstream: v.upstream, params: v.params, prompt_version: v.promptVersion, status: v.status,
    eval_runs: v.evalRuns, description: v.description, source: v.source, created_at: v.createdAt, updated_at: v.updatedAt,
  };
}

/** An alias as JSON. */
export function aliasView(a: ModelAlias) {
  return { scope: a.scope, name: a.name, version: a.version, updated_at: a.updatedAt };
}

/** An alias change as JSON. */
export function aliasChangeView(c: AliasChange) {
  return { ts: c.ts, time: iso(c.ts), scope: c.scope, name: c.name, version: c.version, previous: c.previous, rollout: c.rolloutId, actor: c.actor, reason: c.reason };
}

/** Per-arm figures as JSON. */
export function armView(a: ArmStats) {
  return {
    requests: a.requests, errors: a.errors, error_rate: a.errorRate, blocks: a.blocks, block_rate: a.blockRate, judged: a.judged, successes: a.successes,
    success_rate: a.successRate, mean_cost_micros: Math.round(a.meanCostMicros), mean_latency_ms: a.meanLatencyMs, p95_latency_ms: a.p95LatencyMs,
  };
}

/** An analysis as JSON. */
export function analysisView(a: RolloutAnalysis) {
  return {
    at: a.at, verdict: a.verdict, reason: a.reason, stable: armView(a.stable), canary: armView(a.canary), success_diff: a.successDiff, error_diff: a.errorDiff,
    cost_change: a.costChange, latency_change: a.latencyChange, guards: a.guards, promotion: a.promotion,
  };
}

/** A rollout as JSON. */
export function rolloutView(r: Rollout) {
  return {
    id: r.id, group: r.scope, from: r.fromVersion, to: r.toVersion, canary_pct: r.canaryPct, by: r.by, status: r.status,
    started_at: r.startedAt, started: iso(r.startedAt), ends_at: r.endsAt, ends: iso(r.endsAt), decided_at: r.decidedAt, decided: iso(r.decidedAt),
    reason: r.reason, promote_if: r.promoteIf, rollback_if: r.rollbackIf, gate_suite: r.gateSuite, gate: r.gate, actor: r.actor,
    analysis: r.analysis ? analysisView(r.analysis) : null,
  };
}

/** A rollout event as JSON. */
export function eventView(e: RolloutEvent) {
  return { id: e.id, rollout: e.rolloutId, ts: e.ts, time: iso(e.ts), kind: e.kind, actor: e.actor, summary: e.summary, detail: e.detail };
}

/** A history line as JSON. */
export function timelineView(t: TimelineEntry) {
  return { ts: t.ts, time: iso(t.ts), group: t.scope, kind: t.kind, rollout: t.rollout, actor: t.actor, summary: t.summary };
}

/** A series point as JSON. */
export function seriesView(p: ArmSeriesPoint) {
  const arm = (x: ArmSeriesPoint['stable']) => ({ requests: x.requests, error_rate: x.errorRate, success_rate: x.successRate, mean_latency_ms: x.meanLatencyMs, mean_cost_micros: x.meanCostMicros });
  return { ts: p.ts, stable: arm(p.stable), canary: arm(p.canary) };
}
