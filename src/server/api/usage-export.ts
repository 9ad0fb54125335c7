/**
 * `GET /api/usage/export`: every usage row of a window as CSV or a JSON array, streamed in pages
 * (keyset pagination on `(ts, id)`, oldest first), for cost attribution in other tools.
 * Each row carries its routing policy and reason and what the cache and routing saved.
 * Filters: `from`, `to`, `tenant`, `team`, `agent`, `model`, `session`, `tag.<k>=v`; `format=csv|json`.
 */
import { Hono } from 'hono';
import { InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { tenantFilter } from '../access/scope.js';
import { rowToUsage } from '../../store/rows.js';
import type { UsageEventsTable } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';
import { postgresUsageSql, sqliteUsageSql, usageWhere } from '../../store/usage-sql.js';
import type { UsageRecord } from '../../metering/usage-record.js';
import { usageQueryFrom } from './usage.js';

/** Columns of an exported row, in order. */
export const EXPORT_COLUMNS = [
  'id', 'ts', 'tenant', 'team', 'agent', 'session', 'key_id', 'route', 'requested_model', 'model', 'provider', 'status', 'error_code',
  'input_tokens', 'output_tokens', 'cached_tokens', 'cost_usd', 'cost_micros', 'latency_ms', 'ttft_ms', 'finish_reason', 'cache',
  'routing_policy', 'routing_reason', 'saved_by_cache_usd', 'saved_by_routing_usd', 'tags',
] as const;

const PAGE = 5_000;

/** A usage record as an export row (snake_case; `ts` ISO; tags as a JSON object). */
export function exportRow(u: UsageRecord): Record<(typeof EXPORT_COLUMNS)[number], string | number | null | Record<string, string>> {
  return {
    id: u.id, ts: new Date(u.ts).toISOString(), tenant: u.tenant, team: u.team, agent: u.agent, session: u.session, key_id: u.keyId, route: u.route,
    requested_model: u.requestedModel, model: u.model, provider: u.provider, status: u.status, error_code: u.errorCode,
    input_tokens: u.inputTokens, output_tokens: u.outputTokens, cached_tokens: u.cachedTokens, cost_usd: u.costMicros / 1e6, cost_micros: u.costMicros,
    latency_ms: u.latencyMs, ttft_ms: u.ttftMs, finish_reason: u.finishReason, cache: u.cache,
    routing_policy: u.routingPolicy ?? null, routing_reason: u.routingReason ?? null,
    saved_by_cache_usd: (u.savedByCacheMicros ?? 0) / 1e6, saved_by_routing_usd: (u.savedByRoutingMicros ?? 0) / 1e6, tags: u.tags,
  };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Builds the usage export route. */
export function usageExportApi(store: Store, opts: { flush: () => Promise<void>; now?: () => number }) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    const format = q.format || 'csv';
    if (format !== 'csv' && format !== 'json') throw new InvalidRequestError(`format must be csv or json; got '${format}'`, { param: 'format' });
    const { groupBy: _g, limit: _l, ...filter } = usageQueryFrom({ ...q, group_by: '' }, (opts.now ?? Date.now)());
    const tenant = tenantFilter(c, filter.tenant);
    if (tenant !== undefined) filter.tenant = tenant;
    const where = usageWhere({ ...filter, ...(q.session ? { session: q.session } : {}) }, store.kind === 'postgres' ? postgresUsageSql : sqliteUsageSql);
    await opts.flush();
    const enc = new TextEncoder();
    let cursor: { ts: number; id: string } | null = null;
    let first = true;
    let done = false;
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(enc.encode(format === 'csv' ? EXPORT_COLUMNS.join(',') + '\n' : '['));
      },
      async pull(ctl) {
        if (done) return;
        let s = store.db.selectFrom('usage_events').selectAll().where(where);
        if (cursor) {
          const { ts, id } = cursor;
          s = s.where((eb) => eb.or([eb('ts', '>', ts), eb.and([eb('ts', '=', ts), eb('id', '>', id)])]));
        }
        const page = (await s.orderBy('ts').orderBy('id').limit(PAGE).execute()).map((r) => rowToUsage(r as UsageEventsTable));
        let out = '';
        for (const u of page) {
          const r = exportRow(u);
          if (format === 'csv') out += EXPORT_COLUMNS.map((k) => csvCell(r[k])).join(',') + '\n';
          else out += (first ? '\n' : ',\n') + JSON.stringify(r);
          first = false;
        }
        if (page.length < PAGE) {
          done = true;
          if (format === 'json') out += first ? ']\n' : '\n]\n';
        } else cursor = { ts: page[page.length - 1]!.ts, id: page[page.length - 1]!.id };
        if (out) ctl.enqueue(enc.encode(out));
        if (done) ctl.close();
      },
    });
    const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
    return c.body(body, 200, { 'content-type': type, 'content-disposition': `attachment; filename="daca-usage.${format}"` });
  });
  return app;
}
