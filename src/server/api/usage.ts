/**
 * `/api/usage`: usage and cost grouped by agent, team, tenant, model, provider, key, day, month,
 * session or any tag, with totals; JSON or CSV.
 */
import { Hono } from 'hono';
import { InvalidRequestError } from '../../errors.js';
import type { Store, UsageGroupBy, UsageQuery, UsageReport, UsageTotals } from '../../store/types.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { tenantFilter } from '../access/scope.js';

const DIMENSIONS = new Set(['agent', 'team', 'tenant', 'model', 'provider', 'key', 'day', 'month', 'session']);

/** Parses a time bound: ISO date/time, ms since the epoch, or a relative `-24h` / `-7d`. */
export function parseTime(v: string, name: string, now: number): number {
  const rel = /^-(\d+)([smhd])$/.exec(v);
  if (rel) return now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  if (/^\d{10,}$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidRequestError(`'${name}' must be an ISO date (2026-11-26), a timestamp in ms, or relative like -24h / -7d; got '${v}'`, { param: name });
  return t;
}

/** Parses `group_by=agent,day,tag:customer`. */
export function parseGroupBy(v: string | undefined): UsageGroupBy[] {
  if (!v) return [];
  return v.split(',').map((d) => {
    const dim = d.trim();
    if (DIMENSIONS.has(dim)) return dim as UsageGroupBy;
    if (/^tag:[A-Za-z0-9_.-]{1,64}$/.test(dim)) return dim as UsageGroupBy;
    throw new InvalidRequestError(`group_by '${dim}' is not a dimension; use ${[...DIMENSIONS].join(', ')} or tag:<name>`, { param: 'group_by' });
  });
}

/** Builds a usage query from URL query parameters (`tag.<k>=v` filters by tag). */
export function usageQueryFrom(q: Record<string, string>, now: number): UsageQuery {
  const query: UsageQuery = { groupBy: parseGroupBy(q.group_by) };
  if (q.from) query.from = parseTime(q.from, 'from', now);
  if (q.to) query.to = parseTime(q.to, 'to', now);
  for (const f of ['tenant', 'team', 'agent', 'model'] as const) if (q[f]) query[f] = q[f];
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (k.startsWith('tag.') && v) tags[k.slice(4)] = v;
  if (Object.keys(tags).length) query.tags = tags;
  if (q.limit) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidRequestError(`limit must be an integer from 1 to 100000`, { param: 'limit' });
    query.limit = n;
  }
  return query;
}

/** The JSON view of totals (money in USD and micro-dollars). */
export function totalsView(t: UsageTotals): Record<string, number | null> {
  return {
    requests: t.requests,
    errors: t.errors,
    input_tokens: t.inputTokens,
    output_tokens: t.outputTokens,
    cached_tokens: t.cachedTokens,
    cost_usd: t.costMicros / 1e6,
    cost_micros: t.costMicros,
    cache_hits: t.cacheHits,
    saved_by_cache_usd: t.savedByCacheMicros / 1e6,
    routed: t.routed,
    saved_by_routing_usd: t.savedByRoutingMicros / 1e6,
    avg_latency_ms: Math.round(t.avgLatencyMs * 100) / 100,
    avg_ttft_ms: t.avgTtftMs === null ? null : Math.round(t.avgTtftMs * 100) / 100,
  };
}

/** The JSON view of a usage report. */
export function usageView(r: UsageReport): Record<string, unknown> {
  return {
    group_by: r.groupBy,
    groups: r.groups.map((g) => ({ ...g.key, ...totalsView(g) })),
    totals: totalsView(r.totals),
  };
}

/** A usage report as CSV (one row per group, then a totals row). */
export function usageCsv(r: UsageReport): string {
  const dims = r.groupBy.map(String);
  const cols = ['requests', 'errors', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_usd', 'cache_hits', 'saved_by_cache_usd', 'routed', 'saved_by_routing_usd', 'avg_latency_ms'];
  const esc = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [[...dims, ...cols].join(',')];
  for (const g of r.groups) {
    const t = totalsView(g);
    lines.push([...dims.map((d) => esc(g.key[d])), ...cols.map((c) => esc(t[c]))].join(','));
  }
  const t = totalsView(r.totals);
  lines.push([...dims.map((_, i) => (i === 0 ? 'TOTAL' : '')), ...cols.map((c) => esc(t[c]))].join(','));
  return lines.join('\n') + '\n';
}

/** Builds the usage API. */
export function usageApi(store: Store, opts: { flush: () => Promise<void>; now?: () => number }) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = usageQueryFrom(c.req.query(), (opts.now ?? Date.now)());
    const tenant = tenantFilter(c, q.tenant);
    if (tenant !== undefined) q.tenant = tenant;
    await opts.flush();
    const report = await store.usage.query(q);
    if (c.req.query('format') === 'csv') return c.body(usageCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(usageView(report));
  });
  return app;
}
