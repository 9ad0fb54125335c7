/**
 * The specs of the autonomous weeks: what the operator wrote, goals included. The marketplace week
 * runs the market spec (src/orchestration/marketplace/market-spec.ts) with a candidate model for
 * the mid-week release, budgets sized for a week, and its goals; the support week a support desk.
 * On day 5 the operator tightens the daily spend goal: {@link tightenedSpec} is that spec change.
 */
import { MARKET_SPEC_YAML } from '../../orchestration/marketplace/market-spec.js';
import { parseSpecText, type LoadedSpec } from '../../spec/loader.js';
import { planSpecChange, type SpecPlan } from '../spec-diff.js';
import type { GoalSpec } from '../goals/goal-spec.js';

/** The candidate model released mid-week in the marketplace. */
export const MARKET_CANDIDATE = 'negotiator-small-v2';

/** The marketplace week's spec text. */
export const MARKET_WEEK_SPEC_YAML = MARKET_SPEC_YAML
  .replace('aliases:', `  ${MARKET_CANDIDATE}: { provider: sim, capability: 0.78, price: { input: 0.10, output: 0.40 } }\naliases:`)
  .replace('limit_usd: 0.0001 }', 'limit_usd: 0.02 }')
  .replace('limit_usd: 0.0002 }', 'limit_usd: 0.04 }')
  .concat(`# The week's goals: what the goal controller keeps without a person.
goals:
  trades_in_time:
    description: complete 95% of feasible trades within 10 minutes
    metric: trade_completion_rate
    target: 0.95
    within: 10m
    window: 4h
    scope: { tenant: market }
    actions: [spawn, reap, failover]
    scale: { agent: mediator, min: 6, max: 60, per_agent_hour: 25 }
  daily_spend:
    description: spend at most $0.104 a day on negotiation models
    metric: cost_per_day_usd
    target: 0.104
    scope: { tenant: market }
    actions: [defer]
    defer: { at_percent: 95, max_model_share: 0.2 }
`);

/** The support week's spec text. */
export const SUPPORT_WEEK_SPEC_YAML = `# daca spec of the support desk week (daca demo support).
version: 1
server:
  dev_key: false
  usage_flush_ms: 500
  usage_batch_size: 2000
providers:
  sim: { kind: sim, seed: 11, ttft_ms: 0, tokens_per_second: 0 }
  sim-backup: { kind: sim, seed: 12, ttft_ms: 0, tokens_per_second: 0 }
models:
  support-large: { provider: sim, capability: 0.93, price: { input: 1.0, output: 4.0 }, fallbacks: [support-backup] }
  support-backup: { provider: sim-backup, capability: 0.9, price: { input: 1.5, output: 6.0 } }
  support-small: { provider: sim, capability: 0.86, price: { input: 0.15, output: 0.60 } }
  support-small-v2: { provider: sim, capability: 0.88, price: { input: 0.12, output: 0.50 } }
aliases:
  support: support-large
tenants:
  helpdesk: { name: Support desk }
teams:
  desk: { tenant: helpdesk }
budgets:
  - { scope: tenant, tenant: helpdesk, limit_usd: 50, window: day }
audit:
  flush_ms: 200
goals:
  resolution_time:
    description: resolve every ticket within 2 hours (p95)
    metric: ticket_resolution_p95_s
    target: 7200
    window: 4h
    scope: { team: desk }
    actions: [spawn, reap, concurrency, failover]
    scale: { agent: support-agent, min: 3, max: 40, per_agent_hour: 2.4 }
    concurrency: { min: 1, max: 3 }
  satisfaction:
    description: 95% of customers satisfied with the answer
    metric: satisfaction_rate
    target: 0.95
    window: 24h
    scope: { team: desk }
  daily_spend:
    description: spend at most $0.60 a day on models
    metric: cost_per_day_usd
    target: 0.6
    scope: { tenant: helpdesk }
    actions: [downgrade_model]
    downgrade: { to: support-small, at_percent: 70 }
`;

/** Parses a week's spec text. */
export function weekSpec(text: string, source: string): LoadedSpec {
  return parseSpecText(text, source, {});
}

/** The goal of `spec` with `metric` (the first one); throws a clear error when the spec lacks it. */
export function goalOf(spec: LoadedSpec, metric: GoalSpec['metric']): [string, GoalSpec] {
  const hit = Object.entries(spec.spec.goals).find(([, g]) => g.metric === metric);
  if (!hit) throw new Error(`the week's spec (${spec.source}) has no goal with metric ${metric}; add one under goals:`);
  return hit;
}

/** The operator's day-5 change: the daily spend goal's target times `factor`, and its plan. */
export function tightenedSpec(spec: LoadedSpec, text: string, factor: number): { spec: LoadedSpec; plan: SpecPlan } {
  const [id, g] = goalOf(spec, 'cost_per_day_usd');
  const next = Math.round(g.target * factor * 1e6) / 1e6;
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === `${id}:`);
  const t = lines.findIndex((l, i) => i > at && /^\s+target:/.test(l));
  if (at < 0 || t < 0) throw new Error(`cannot find goals.${id}.target in the week's spec text`);
  lines[t] = lines[t]!.replace(/target:.*/, `target: ${next}`);
  const tightened = parseSpecText(lines.join('\n'), `${spec.source} (day 5)`, {});
  return { spec: tightened, plan: planSpecChange(spec.spec, tightened.spec) };
}
