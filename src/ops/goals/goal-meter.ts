/**
 * Measuring a goal on a live node from its own data: usage rows (spend of the UTC day, success
 * rate, p95 latency, with the error codes of failures), pending approvals (queue depth), and
 * sources other parts register for metrics only they see (a marketplace's trades, a support
 * desk's tickets). A metric without data reads `null` ("no data"), never a guess.
 */
import type { UsageSample, WindowFilter } from '../../telemetry/analytics/usage-window.js';
import { quantileNearestRank } from '../../util/quantiles.js';
import { formatGoalValue, type GoalMetric, type GoalSpec } from './goal-spec.js';

/** One reading of a goal's metric. */
export interface GoalReading {
  /** The value, or null when there is no data in the window. */
  value: number | null;
  /** What was counted ("412 requests, 37 failed (budget_exceeded ×37)"). */
  detail: string;
  /** Failures by error code (usage metrics), for the explanation of what limits the goal. */
  failures?: Record<string, number>;
}

/** A source of a metric the node's usage rows do not hold. */
export type GoalSource = (g: GoalSpec, now: number) => Promise<GoalReading | null>;

/** What a meter reads. */
export interface GoalMeterDeps {
  /** Usage rows of a window (the analytics window: flushed first). */
  usage: (f: WindowFilter) => Promise<readonly UsageSample[]>;
  /** Pending approvals in a scope. */
  pendingApprovals: (scope: GoalSpec['scope']) => Promise<number>;
  /** Extra sources by metric (e.g. trade_completion_rate from the markets on this node). */
  sources?: ReadonlyMap<GoalMetric, GoalSource>;
}

const DAY_MS = 86_400_000;

/** The filter of a goal's scope over `[from, to)`. */
function filterOf(g: GoalSpec, from: number, to: number): WindowFilter {
  const f: WindowFilter = { from, to };
  if (g.scope.tenant) f.tenant = g.scope.tenant;
  if (g.scope.team) f.team = g.scope.team;
  if (g.scope.agent) f.agent = g.scope.agent;
  return f;
}

/**
 * Reads goal metrics; see the module comment.
 * @example
 * ```ts
 * const meter = new GoalMeter({ usage: (f) => analytics.window(f).then((w) => w.rows), pendingApprovals: async () => 0 });
 * const r = await meter.read(spec.goals.spend!, Date.now()); // { value: 0.42, detail: '…' }
 * ```
 */
export class GoalMeter {
  constructor(private readonly deps: GoalMeterDeps) {}

  /** One reading of `g` at `now`. */
  async read(g: GoalSpec, now: number): Promise<GoalReading> {
    const source = this.deps.sources?.get(g.metric);
    if (source) return (await source(g, now)) ?? { value: null, detail: 'no data from its source yet' };
    switch (g.metric) {
      case 'cost_per_day_usd': {
        const from = Math.floor(now / DAY_MS) * DAY_MS;
        const rows = await this.deps.usage(filterOf(g, from, now + 1));
        const micros = rows.reduce((a, r) => a + r.costMicros, 0);
        return { value: micros / 1e6, detail: `${formatGoalValue('cost_per_day_usd', micros / 1e6)} spent today over ${rows.length} requests` };
      }
      case 'success_rate':
      case 'latency_p95_ms': {
        const rows = await this.deps.usage(filterOf(g, now - g.window, now + 1));
        if (!rows.length) return { value: null, detail: 'no requests in the window' };
        const failures: Record<string, number> = {};
        let failed = 0;
        const lat: number[] = [];
        for (const r of rows) {
          if (r.failed) {
            failed++;
            const code = r.errorCode ?? `http_${r.status}`;
            failures[code] = (failures[code] ?? 0) + 1;
          } else lat.push(r.latencyMs);
        }
        const codes = Object.entries(failures).map(([c, n]) => `${c} ×${n}`).join(', ');
        const detail = `${rows.length} requests, ${failed} failed${codes ? ` (${codes})` : ''}`;
        if (g.metric === 'success_rate') return { value: 1 - failed / rows.length, detail, failures };
        const v = quantileNearestRank(lat, 0.95);
        return v === null ? { value: null, detail: `${detail}; no successful request to time` } : { value: v, detail, failures };
      }
      case 'queue_depth': {
        const n = await this.deps.pendingApprovals(g.scope);
        return { value: n, detail: `${n} approvals pending` };
      }
      default:
        return { value: null, detail: `no source of ${g.metric} on this node (the workload that produces it measures it: a marketplace run, \`daca deals start\`, for trades; \`daca demo support\` for tickets)` };
    }
  }
}
