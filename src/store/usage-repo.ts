/**
 * The `UsageRepo` over Kysely, shared by SQLite and PostgreSQL; only bulk insert and a few SQL
 * expressions are engine-specific.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { UsageRecord } from '../metering/usage-record.js';
import type { StoreDatabase, UsageEventsTable } from './db-schema.js';
import { rowToUsage } from './rows.js';
import type { UsageGroup, UsageQuery, UsageReport, UsageRepo, UsageTotals } from './types.js';
import { dimensionExpr, usageWhere } from './usage-sql.js';
import type { UsageFilter, UsageSqlDialect } from './usage-sql.js';

/** Inserts usage rows, ignoring known ids; resolves to the number of rows inserted. */
export type UsageBulkInsert = (rows: readonly UsageRecord[]) => Promise<number>;

/** Aggregate columns, named so they never clash with table columns in ORDER BY. */
interface AggRow {
  n_requests: unknown;
  n_errors: unknown;
  s_input: unknown;
  s_output: unknown;
  s_cached: unknown;
  s_cost: unknown;
  n_hits: unknown;
  s_saved_cache: unknown;
  n_routed: unknown;
  s_saved_routing: unknown;
  a_latency: unknown;
  a_ttft: unknown;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

function toTotals(r: AggRow | undefined): UsageTotals {
  if (r === undefined) {
    return { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costMicros: 0, cacheHits: 0, savedByCacheMicros: 0, routed: 0, savedByRoutingMicros: 0, avgLatencyMs: 0, avgTtftMs: null };
  }
  return {
    requests: num(r.n_requests),
    errors: num(r.n_errors),
    inputTokens: num(r.s_input),
    outputTokens: num(r.s_output),
    cachedTokens: num(r.s_cached),
    costMicros: num(r.s_cost),
    cacheHits: num(r.n_hits),
    savedByCacheMicros: num(r.s_saved_cache),
    routed: num(r.n_routed),
    savedByRoutingMicros: num(r.s_saved_routing),
    avgLatencyMs: num(r.a_latency),
    avgTtftMs: r.a_ttft === null || r.a_ttft === undefined ? null : Number(r.a_ttft),
  };
}

/** Usage events stored in the `usage_events` table. */
export class KyselyUsageRepo implements UsageRepo {
  /**
   * @param db - the store's Kysely instance.
   * @param dialect - engine-specific SQL expressions.
   * @param bulkInsert - the engine's fastest idempotent insert.
   */
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly dialect: UsageSqlDialect,
    private readonly bulkInsert: UsageBulkInsert,
  ) {}

  insertBatch(rows: readonly UsageRecord[]): Promise<number> {
    return rows.length === 0 ? Promise.resolve(0) : this.bulkInsert(rows);
  }

  async query(q: UsageQuery): Promise<UsageReport> {
    const groupBy = [...new Set(q.groupBy)];
    const dims = groupBy.map((g) => dimensionExpr(g, this.dialect));
    const where = usageWhere(q, this.dialect);

    let grouped = this.db.selectFrom('usage_events').where(where).select(dims.map((e, i) => e.as(`g${i}`)));
    grouped = grouped.select(aggregates());
    for (const e of dims) grouped = grouped.groupBy(e);
    grouped = grouped.orderBy(sql.ref('s_cost'), 'desc').orderBy(sql.ref('n_requests'), 'desc');
    // NULLS FIRST spelled out: SQLite and PostgreSQL disagree on the default.
    for (let i = 0; i < dims.length; i++) grouped = grouped.orderBy(sql.ref(`g${i}`), (ob) => ob.asc().nullsFirst());
    if (q.limit !== undefined) grouped = grouped.limit(Math.max(0, Math.floor(q.limit)));

    const totalsQuery = this.db.selectFrom('usage_events').where(where).select(aggregates());
    const [rows, totalsRow] = await Promise.all([
      dims.length > 0 ? grouped.execute() : Promise.resolve([]),
      totalsQuery.executeTakeFirst(),
    ]);
    const totals = toTotals(totalsRow as AggRow | undefined);

    let groups: UsageGroup[];
    if (dims.length === 0) {
      groups = totals.requests > 0 && q.limit !== 0 ? [{ key: {}, ...totals }] : [];
    } else {
      groups = rows.map((r) => {
        const rec = r as Record<string, unknown>;
        const key: Record<string, string | null> = {};
        for (let i = 0; i < groupBy.length; i++) {
          const v = rec[`g${i}`];
          key[groupBy[i]!] = v === null || v === undefined ? null : String(v);
        }
        return { key, ...toTotals(r as unknown as AggRow) };
      });
    }
    return { groupBy, groups, totals };
  }

  async get(id: string): Promise<UsageRecord | undefined> {
    const r = await this.db.selectFrom('usage_events').selectAll().where('id', '=', id).executeTakeFirst();
    return r === undefined ? undefined : rowToUsage(r as UsageEventsTable);
  }

  async list(q: UsageFilter & { limit?: number }): Promise<UsageRecord[]> {
    let s = this.db
      .selectFrom('usage_events')
      .selectAll()
      .where(usageWhere(q, this.dialect))
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc');
    if (q.limit !== undefined) s = s.limit(Math.max(0, Math.floor(q.limit)));
    const rows = await s.execute();
    return rows.map((r) => rowToUsage(r as UsageEventsTable));
  }
}

function aggregates() {
  return [
    sql<number>`count(*)`.as('n_requests'),
    sql<number>`coalesce(sum(case when status >= 400 or error_code is not null then 1 else 0 end), 0)`.as('n_errors'),
    sql<number>`coalesce(sum(input_tokens), 0)`.as('s_input'),
    sql<number>`coalesce(sum(output_tokens), 0)`.as('s_output'),
    sql<number>`coalesce(sum(cached_tokens), 0)`.as('s_cached'),
    sql<number>`coalesce(sum(cost_micros), 0)`.as('s_cost'),
    sql<number>`coalesce(sum(case when cache = 'hit' then 1 else 0 end), 0)`.as('n_hits'),
    sql<number>`coalesce(sum(saved_cache_micros), 0)`.as('s_saved_cache'),
    sql<number>`coalesce(sum(case when routing_policy in ('fixed', 'cascade', 'router', 'budget', 'goal') then 1 else 0 end), 0)`.as('n_routed'),
    sql<number>`coalesce(sum(saved_routing_micros), 0)`.as('s_saved_routing'),
    sql<number | null>`avg(latency_ms)`.as('a_latency'),
    sql<number | null>`avg(ttft_ms)`.as('a_ttft'),
  ] as const;
}
