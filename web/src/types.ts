/**
 * The admin API shapes the dashboard reads (docs/api-observability.md). Fields added by issue 4
 * are optional so the dashboard also works against a server that only has the issue-3 shape.
 */

/** Usage figures shared by totals and groups of `/api/usage`. */
export interface UsageFigures {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens?: number;
  cost_usd: number;
  cost_micros: number;
  avg_latency_ms?: number | null;
  avg_ttft_ms?: number | null;
}

/** `GET /api/usage`. */
export interface UsageReport {
  group_by: string[];
  groups: Array<UsageFigures & Record<string, string | number | null>>;
  totals: UsageFigures;
}

/** One time bucket of `/api/overview` and `/api/agents/:agent`. */
export interface SeriesPoint {
  ts: number | string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
}

/** `GET /api/overview`. */
export interface Overview {
  totals: UsageFigures & {
    error_rate: number;
    latency_p50_ms: number | null;
    latency_p95_ms: number | null;
    ttft_p50_ms: number | null;
    ttft_p95_ms: number | null;
    agents: number;
  };
  series: SeriesPoint[];
  top_agents: Array<{ agent: string; team: string; tenant: string; cost_usd: number; requests: number }>;
}

/** An agent departing from its peer group. */
export interface Anomaly {
  id: string;
  agent: string;
  team: string;
  peer_group: string;
  metric: 'tokens_per_session' | 'cost_per_day' | 'error_rate' | 'latency_p95' | string;
  value: number;
  peer_median: number;
  ratio: number;
  robust_z: number;
  rule: string;
  detected_at: string | number;
  evidence?: { window_from: string | number; window_to: string | number; peers: Array<{ agent: string; value: number }> };
}

/** One row of `/api/agents`. */
export interface AgentRow extends UsageFigures {
  agent: string;
  team: string;
  tenant: string | null;
  role?: string;
  declared?: boolean;
  error_rate?: number;
  tokens_per_call?: number;
  tokens_per_session?: number;
  sessions?: number;
  cost_per_day_usd?: number;
  latency_p50_ms?: number | null;
  latency_p95_ms?: number | null;
  ttft_p50_ms?: number | null;
  ttft_p95_ms?: number | null;
  feedback?: { count: number; avg_score: number | null; positive_rate: number | null };
  finish_reasons?: Record<string, number>;
  refusals?: number;
  anomalies?: Anomaly[];
}

/** `GET /api/agents`. */
export interface AgentsReport {
  data: AgentRow[];
  peer_groups?: Array<{ group: string; agents: number | string[]; median_tokens_per_session: number; median_cost_per_day_usd: number; median_error_rate: number; median_latency_p95_ms: number | null }>;
}

/** A session (`x-daca-session`) with its totals. */
export interface Session {
  session: string;
  agent: string;
  team: string;
  tenant: string;
  first_ts: string | number | null;
  last_ts: string | number | null;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  cost_micros: number;
}

/**
 * `GET /api/agents/:agent`: the row plus a series and the latest sessions. The contract names the
 * list `sessions`, which clashes with the row's session count; the server sends `recent_sessions`.
 * The dashboard reads either.
 */
export interface AgentDetail extends Omit<AgentRow, 'sessions'> {
  series: SeriesPoint[];
  sessions?: Session[] | number;
  recent_sessions?: Session[];
}

/** One call in a session's timeline. */
export interface TimelineEntry {
  id: string;
  ts: string | number;
  agent: string;
  model: string;
  status: number | string;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number | null;
  ttft_ms: number | null;
  finish_reason: string | null;
}

/** `GET /api/sessions/:session`. */
export interface SessionDetail {
  session: Session;
  timeline: TimelineEntry[];
}

/** A delivery of an alert to one target. */
export interface Delivery {
  target: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

/** An alert, firing or resolved. */
export interface Alert {
  id: string;
  rule: string;
  severity: string;
  state: 'firing' | 'resolved';
  subject: { kind: string; id: string };
  value: number | null;
  threshold: number | null;
  message: string;
  started_at: string | number;
  resolved_at: string | number | null;
  last_evaluated_at: string | number | null;
  deliveries: Delivery[];
}

/** A list response `{ data: [...] }`. */
export interface ListOf<T> {
  data: T[];
}

/** `event: usage` on `/api/events`. */
export interface UsageEvent {
  id: string;
  ts: string | number;
  agent: string;
  team: string;
  tenant: string;
  model: string;
  status: number | string;
  cost_usd: number;
  latency_ms: number | null;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
}
