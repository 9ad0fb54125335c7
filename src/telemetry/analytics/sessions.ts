/**
 * Sessions (requests sharing `x-daca-session`): summaries with totals, and a session's timeline.
 * Aggregated in SQL (the same query on SQLite and PostgreSQL).
 */
import { sql } from 'kysely';
import type { Store } from '../../store/types.js';
import type { SessionView, TimelineEntry } from './views.js';

/** Filter of a session listing. */
export interface SessionFilter {
  from?: number;
  to?: number;
  agent?: string;
  team?: string;
  tenant?: string;
  session?: string;
  /** Most sessions to return, newest activity first (default 100, at most 1000). */
  limit?: number;
}

/**
 * Session summaries, most recently active first.
 *
 * @example
 * ```ts
 * const latest = await listSessions(store, { agent: 'support-bot', limit: 50 });
 * ```
 */
export async function listSessions(store: Pick<Store, 'db'>, f: SessionFilter): Promise<SessionView[]> {
  let q = store.db
    .selectFrom('usage_events')
    .select('session')
    .select([
      sql<string>`min(agent)`.as('agent_name'),
      sql<number>`count(distinct agent)`.as('n_agents'),
      sql<string>`min(team)`.as('team_name'),
      sql<string>`min(tenant)`.as('tenant_name'),
      sql<number>`min(ts)`.as('first_ts'),
      sql<number>`max(ts)`.as('last_ts'),
      sql<number>`count(*)`.as('n_requests'),
      sql<number>`sum(case when status >= 400 or error_code is not null then 1 else 0 end)`.as('n_errors'),
      sql<number>`sum(input_tokens)`.as('s_input'),
      sql<number>`sum(output_tokens)`.as('s_output'),
      sql<number>`sum(cost_micros)`.as('s_cost'),
    ])
    .where('session', 'is not', null);
  if (f.from !== undefined) q = q.where('ts', '>=', f.from);
  if (f.to !== undefined) q = q.where('ts', '<', f.to);
  if (f.agent !== undefined) q = q.where('agent', '=', f.agent);
  if (f.team !== undefined) q = q.where('team', '=', f.team);
  if (f.tenant !== undefined) q = q.where('tenant', '=', f.tenant);
  if (f.session !== undefined) q = q.where('session', '=', f.session);
  const limit = Math.min(1000, Math.max(1, f.limit ?? 100));
  const rows = await q.groupBy('session').orderBy(sql.ref('last_ts'), 'desc').orderBy('session').limit(limit).execute();
  return rows.map((r) => ({
    session: r.session!,
    agent: r.agent_name,
    agents: Number(r.n_agents),
    team: r.team_name,
    tenant: r.tenant_name,
    first_ts: new Date(Number(r.first_ts)).toISOString(),
    last_ts: new Date(Number(r.last_ts)).toISOString(),
    requests: Number(r.n_requests),
    errors: Number(r.n_errors),
    input_tokens: Number(r.s_input),
    output_tokens: Number(r.s_output),
    cost_usd: Number(r.s_cost) / 1e6,
    cost_micros: Number(r.s_cost),
  }));
}

/** Most calls a timeline returns (the earliest ones). */
export const TIMELINE_LIMIT = 1_000;

/**
 * A session's summary and its calls in time order; undefined when the session is unknown.
 *
 * @example
 * ```ts
 * const s = await sessionTimeline(store, 'sess-42');
 * ```
 */
export async function sessionTimeline(store: Pick<Store, 'db'>, session: string, f: { tenant?: string } = {}): Promise<{ session: SessionView; timeline: TimelineEntry[]; truncated: boolean } | undefined> {
  const [summary] = await listSessions(store, { session, limit: 1, ...f });
  if (!summary) return undefined;
  let q = store.db
    .selectFrom('usage_events')
    .select(['id', 'ts', 'agent', 'model', 'status', 'error_code', 'input_tokens', 'output_tokens', 'cost_micros', 'latency_ms', 'ttft_ms', 'finish_reason'])
    .where('session', '=', session);
  if (f.tenant !== undefined) q = q.where('tenant', '=', f.tenant);
  const rows = await q
    .orderBy('ts', 'asc')
    .orderBy('id', 'asc')
    .limit(TIMELINE_LIMIT)
    .execute();
  const timeline = rows.map((r) => ({
    id: r.id,
    ts: new Date(Number(r.ts)).toISOString(),
    agent: r.agent,
    model: r.model,
    status: Number(r.status),
    error_code: r.error_code,
    input_tokens: Number(r.input_tokens),
    output_tokens: Number(r.output_tokens),
    cost_usd: Number(r.cost_micros) / 1e6,
    latency_ms: Number(r.latency_ms),
    ttft_ms: r.ttft_ms === null ? null : Number(r.ttft_ms),
    finish_reason: r.finish_reason,
  }));
  return { session: summary, timeline, truncated: summary.requests > timeline.length };
}
