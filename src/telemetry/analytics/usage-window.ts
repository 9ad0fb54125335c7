/**
 * Loads the columns analytics need from `usage_events` for a time window, newest first, bounded
 * to `maxRows` so a huge window cannot exhaust memory. Percentiles, sessions, finish reasons and
 * series are computed from these rows in TypeScript (identical on SQLite and PostgreSQL); when
 * the window holds more rows than the bound, only the newest `maxRows` are used and the result
 * says `truncated: true`.
 */
import type { Store } from '../../store/types.js';

/** Default bound on rows loaded per analytics query. */
export const DEFAULT_MAX_ROWS = 200_000;

/** One usage row, reduced to what analytics read. */
export interface UsageSample {
  id: string;
  ts: number;
  tenant: string;
  team: string;
  agent: string;
  session: string | null;
  model: string;
  status: number;
  errorCode: string | null;
  /** True for rows with status >= 400 or an error code. */
  failed: boolean;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  latencyMs: number;
  ttftMs: number | null;
  finishReason: string | null;
}

/** Which rows to load: `[from, to)` plus optional identity filters. */
export interface WindowFilter {
  from: number;
  to: number;
  tenant?: string;
  team?: string;
  agent?: string;
  session?: string;
}

/** Rows of a window and whether the bound cut it. */
export interface UsageWindow {
  from: number;
  to: number;
  rows: UsageSample[];
  truncated: boolean;
}

/**
 * Loads a window of usage rows (newest first).
 *
 * @example
 * ```ts
 * const w = await loadUsageWindow(store, { from: Date.now() - 86_400_000, to: Date.now() });
 * ```
 */
export async function loadUsageWindow(store: Pick<Store, 'db'>, f: WindowFilter, maxRows: number = DEFAULT_MAX_ROWS): Promise<UsageWindow> {
  let q = store.db
    .selectFrom('usage_events')
    .select(['id', 'ts', 'tenant', 'team', 'agent', 'session', 'model', 'status', 'error_code', 'input_tokens', 'output_tokens', 'cost_micros', 'latency_ms', 'ttft_ms', 'finish_reason'])
    .where('ts', '>=', f.from)
    .where('ts', '<', f.to);
  if (f.tenant !== undefined) q = q.where('tenant', '=', f.tenant);
  if (f.team !== undefined) q = q.where('team', '=', f.team);
  if (f.agent !== undefined) q = q.where('agent', '=', f.agent);
  if (f.session !== undefined) q = q.where('session', '=', f.session);
  const raw = await q.orderBy('ts', 'desc').orderBy('id', 'desc').limit(maxRows + 1).execute();
  const truncated = raw.length > maxRows;
  const rows: UsageSample[] = new Array(Math.min(raw.length, maxRows));
  for (let i = 0; i < rows.length; i++) {
    const r = raw[i]!;
    const status = Number(r.status);
    rows[i] = {
      id: r.id, ts: Number(r.ts), tenant: r.tenant, team: r.team, agent: r.agent, session: r.session, model: r.model,
      status, errorCode: r.error_code, failed: status >= 400 || r.error_code !== null,
      inputTokens: Number(r.input_tokens), outputTokens: Number(r.output_tokens), costMicros: Number(r.cost_micros),
      latencyMs: Number(r.latency_ms), ttftMs: r.ttft_ms === null ? null : Number(r.ttft_ms), finishReason: r.finish_reason,
    };
  }
  return { from: f.from, to: f.to, rows, truncated };
}
