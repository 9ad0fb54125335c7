/**
 * Cost reports: cost per agent, team, tenant, business entity (any tag) and day, per request and per
 * successful task, and what the cache and routing saved — from usage events and feedback.
 *
 * - Saved by the cache and by routing: what the gateway recorded on each row (`saved_cache_micros`,
 *   `saved_routing_micros`: the stored answer's cost for a hit; the answer priced at the requested
 *   model minus what was paid, every cascade attempt included, for a routed request). Routed
 *   requests are those a routing policy decided (`fixed`, `cascade`, `router`, `budget`, `goal`).
 * - Rows written before routing was recorded (`routing_policy` null) are estimated instead: a hit
 *   re-priced at its model, a row answered by another model than the one requested re-priced at
 *   the requested model minus what it cost.
 * - Success: requests with feedback (score > 0 is a success); success rate = positive / rated;
 *   successful tasks = requests × success rate. Without feedback, an agent's eval pass rate is used
 *   when given (`evalSuccess`), else success is unknown (null).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { costMicros } from '../../metering/cost.js';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store, UsageGroupBy } from '../../store/types.js';
import { dimensionExpr, postgresUsageSql, sqliteUsageSql, usageWhere, type UsageFilter } from '../../store/usage-sql.js';
import type { PriceSpec } from '../../spec/schema.js';

/** A cost report query. */
export interface CostReportQuery extends UsageFilter {
  groupBy: UsageGroupBy[];
}

/** Resolving and pricing models. */
export interface ReportPricing {
  /** The spec model a requested name or alias resolves to. */
  resolve(name: string): string | undefined;
  priceOf(model: string): PriceSpec | undefined;
}

/** One group of a cost report. */
export interface CostReportGroup {
  key: Record<string, string | null>;
  requests: number;
  errors: number;
  costMicros: number;
  cacheHits: number;
  savedByCacheMicros: number;
  /** Requests answered by another model than the one requested. */
  routed: number;
  savedByRoutingMicros: number;
  /** Requests with feedback, and those with positive feedback. */
  rated: number;
  positive: number;
  successRate: number | null;
  successSource: 'feedback' | 'eval' | null;
  successfulTasks: number | null;
  costPerSuccessMicros: number | null;
}

/** A cost report. */
export interface CostReport {
  groupBy: UsageGroupBy[];
  groups: CostReportGroup[];
  totals: Omit<CostReportGroup, 'key'>;
}

interface SliceRow {
  [k: string]: unknown;
  requested_model: string;
  model: string;
  cache: string;
  legacy: number | string;
  n: number | string;
  n_routed: number | string;
  s_saved_cache: number | string;
  s_saved_routing: number | string;
  n_err: number | string;
  s_in: number | string;
  s_out: number | string;
  s_cached: number | string;
  s_cost: number | string;
}

const num = (v: unknown): number => Number(v ?? 0);

function empty(key: Record<string, string | null>): CostReportGroup {
  return { key, requests: 0, errors: 0, costMicros: 0, cacheHits: 0, savedByCacheMicros: 0, routed: 0, savedByRoutingMicros: 0, rated: 0, positive: 0, successRate: null, successSource: null, successfulTasks: null, costPerSuccessMicros: null };
}

function finish(g: CostReportGroup, evalRate: number | undefined): void {
  if (g.rated > 0) {
    g.successRate = g.positive / g.rated;
    g.successSource = 'feedback';
  } else if (evalRate !== undefined) {
    g.successRate = evalRate;
    g.successSource = 'eval';
  }
  if (g.successRate !== null) {
    g.successfulTasks = (g.requests - g.errors) * g.successRate;
    g.costPerSuccessMicros = g.successfulTasks > 0 ? g.costMicros / g.successfulTasks : null;
  }
}

/**
 * Builds a cost report from the store.
 *
 * @example
 * ```ts
 * const r = await costReport(store, { groupBy: ['agent', 'day'], from: Date.now() - 30 * 864e5 }, pricing);
 * ```
 */
export async function costReport(store: Pick<Store, 'db' | 'kind'>, q: CostReportQuery, pricing: ReportPricing, opts: { evalSuccess?: ReadonlyMap<string, number> } = {}): Promise<CostReport> {
  const d = store.kind === 'postgres' ? postgresUsageSql : sqliteUsageSql;
  const db = store.db as Kysely<StoreDatabase>;
  const dims = q.groupBy.map((g) => dimensionExpr(g, d));
  const where = usageWhere(q, d);
  let sel = db.selectFrom('usage_events').where(where).select([
    'requested_model', 'model', 'cache',
    sql<number>`case when routing_policy is null then 1 else 0 end`.as('legacy'),
    sql<number>`count(*)`.as('n'),
    sql<number>`coalesce(sum(case when routing_policy in ('fixed', 'cascade', 'router', 'budget', 'goal') then 1 else 0 end), 0)`.as('n_routed'),
    sql<number>`coalesce(sum(saved_cache_micros), 0)`.as('s_saved_cache'),
    sql<number>`coalesce(sum(saved_routing_micros), 0)`.as('s_saved_routing'),
    sql<number>`coalesce(sum(case when status >= 400 or error_code is not null then 1 else 0 end), 0)`.as('n_err'),
    sql<number>`coalesce(sum(input_tokens), 0)`.as('s_in'),
    sql<number>`coalesce(sum(output_tokens), 0)`.as('s_out'),
    sql<number>`coalesce(sum(cached_tokens), 0)`.as('s_cached'),
    sql<number>`coalesce(sum(cost_micros), 0)`.as('s_cost'),
  ]);
  dims.forEach((e, i) => (sel = sel.select(e.as(`d${i}`))));
  let grouped = sel.groupBy(['requested_model', 'model', 'cache', sql`case when routing_policy is null then 1 else 0 end`]);
  dims.forEach((e) => (grouped = grouped.groupBy(e)));
  const rows = (await grouped.execute()) as unknown as SliceRow[];

  // Feedback per group: requests rated, and rated positive.
  const fb = async (positive: boolean): Promise<Map<string, number>> => {
    let f = db.selectFrom('usage_events').where(where).where('id', 'in', sql<string>`(select request_id from feedback where request_id is not null${positive ? sql` and score > 0` : sql``})`).select(sql<number>`count(*)`.as('n'));
    dims.forEach((e, i) => (f = f.select(e.as(`d${i}`))));
    let fg = f;
    dims.forEach((e) => (fg = fg.groupBy(e)));
    const out = new Map<string, number>();
    for (const r of (await fg.execute()) as unknown as Record<string, unknown>[]) out.set(JSON.stringify(dims.map((_, i) => r[`d${i}`] ?? null)), num(r.n));
    return out;
  };
  const [rated, positive] = await Promise.all([fb(false), fb(true)]);

  const groups = new Map<string, CostReportGroup>();
  const totals = empty({});
  for (const r of rows) {
    const keyVals = dims.map((_, i) => (r[`d${i}`] as string | null) ?? null);
    const id = JSON.stringify(keyVals);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = empty(Object.fromEntries(q.groupBy.map((dim, i) => [dim, keyVals[i]!])))));
    const n = num(r.n);
    const usage = { inputTokens: num(r.s_in), outputTokens: num(r.s_out), cachedTokens: num(r.s_cached) };
    const cost = num(r.s_cost);
    const part = empty({});
    part.requests = n;
    part.errors = num(r.n_err);
    part.costMicros = cost;
    if (num(r.legacy) === 0) {
      part.cacheHits = r.cache === 'hit' ? n : 0;
      part.savedByCacheMicros = num(r.s_saved_cache);
      part.routed = num(r.n_routed);
      part.savedByRoutingMicros = num(r.s_saved_routing);
    } else if (r.cache === 'hit') {
      part.cacheHits = n;
      const p = pricing.priceOf(r.model);
      if (p) part.savedByCacheMicros = costMicros(usage, p);
    } else if (r.model && r.requested_model) {
      const asked = pricing.resolve(r.requested_model) ?? r.requested_model;
      if (asked !== r.model) {
        part.routed = n;
        const p = pricing.priceOf(asked);
        if (p) part.savedByRoutingMicros = costMicros(usage, p) - cost;
      }
    }
    for (const t of [g, totals]) {
      t.requests += part.requests;
      t.errors += part.errors;
      t.costMicros += part.costMicros;
      t.cacheHits += part.cacheHits;
      t.savedByCacheMicros += part.savedByCacheMicros;
      t.routed += part.routed;
      t.savedByRoutingMicros += part.savedByRoutingMicros;
    }
  }
  for (const [id, g] of groups) {
    g.rated = rated.get(id) ?? 0;
    g.positive = positive.get(id) ?? 0;
    totals.rated += g.rated;
    totals.positive += g.positive;
    const agent = g.key.agent;
    finish(g, agent ? opts.evalSuccess?.get(agent) : undefined);
  }
  finish(totals, undefined);
  const sorted = [...groups.values()].sort((a, b) => b.costMicros - a.costMicros);
  const { key: _k, ...t } = totals;
  return { groupBy: q.groupBy, groups: sorted, totals: t };
}
