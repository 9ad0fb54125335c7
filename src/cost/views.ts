/**
 * JSON views of cost reports and advice (money in USD at the edge, micro-dollars kept alongside).
 */
import type { Advice } from './advisor/advisor.js';
import type { CostReport, CostReportGroup } from './report/cost-report.js';

const usd = (micros: number | null): number | null => (micros === null ? null : Math.round(micros) / 1e6);
const r4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10000) / 10000);

function groupView(g: Omit<CostReportGroup, 'key'>): Record<string, unknown> {
  return {
    requests: g.requests,
    errors: g.errors,
    cost_usd: usd(g.costMicros),
    cache_hits: g.cacheHits,
    saved_by_cache_usd: usd(g.savedByCacheMicros),
    routed: g.routed,
    saved_by_routing_usd: usd(g.savedByRoutingMicros),
    rated: g.rated,
    success_rate: r4(g.successRate),
    success_source: g.successSource,
    successful_tasks: g.successfulTasks === null ? null : Math.round(g.successfulTasks * 100) / 100,
    cost_per_success_usd: g.costPerSuccessMicros === null ? null : Math.round(g.costPerSuccessMicros) / 1e6,
  };
}

/** The JSON view of a cost report. */
export function costReportView(r: CostReport): Record<string, unknown> {
  return { group_by: r.groupBy, groups: r.groups.map((g) => ({ ...g.key, ...groupView(g) })), totals: groupView(r.totals) };
}

/** The JSON view of one agent's advice. */
export function adviceView(a: Advice): Record<string, unknown> {
  const rec = a.recommendation;
  return {
    agent: a.agent,
    window_days: a.windowDays,
    margin: a.margin,
    current: { model: a.current.model, requests: a.current.requests, cost_usd: usd(a.current.costMicros), success: r4(a.current.success) },
    reference_success: r4(a.referenceSuccess),
    recommendation: {
      kind: rec.kind,
      name: rec.name,
      success: r4(rec.success),
      projected_cost_usd: usd(rec.projectedCostMicros),
      saving_usd: usd(rec.savingMicros),
      saving_pct: r4(rec.savingPct),
      routing: rec.routing,
      reason: rec.reason,
      ...(rec.policy ? { policy: rec.policy } : {}),
    },
    candidates: a.candidates.map((c) => ({ kind: c.kind, name: c.name, success: r4(c.success), projected_cost_usd: usd(c.projectedCostMicros), qualifies: c.qualifies })),
    evidence: a.evidence.map((e) => ({ ...e, success: r4(e.success) })),
  };
}
