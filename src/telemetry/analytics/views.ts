/**
 * JSON shapes of the analytics API (docs/api-observability.md): snake_case, money as `*_usd` and
 * `*_micros`.
 */
import type { Anomaly } from '../anomalies/types.js';
import type { FeedbackAggregate } from '../feedback/feedback-repo.js';
import type { GroupMetrics } from './metrics.js';
import type { SeriesPoint } from './series.js';

/** Metric fields of an agent row. */
export interface MetricsView {
  requests: number;
  errors: number;
  error_rate: number;
  input_tokens: number;
  output_tokens: number;
  tokens_per_call: number;
  tokens_per_session: number | null;
  sessions: number;
  cost_usd: number;
  cost_micros: number;
  cost_per_day_usd: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  finish_reasons: Record<string, number>;
  refusals: number;
}

/** One row of `GET /api/agents`. */
export interface AgentView extends MetricsView {
  agent: string;
  team: string;
  tenant: string | null;
  role: string;
  declared: boolean;
  /** Peer group used for comparison (the role, or the team with `group=team`). */
  peer_group: string;
  feedback: { count: number; avg_score: number | null; positive_rate: number | null };
  anomalies: Anomaly[];
}

/** A peer group's medians. */
export interface PeerGroupView {
  group: string;
  agents: number;
  median_tokens_per_session: number | null;
  median_cost_per_day_usd: number | null;
  median_error_rate: number | null;
  median_latency_p95_ms: number | null;
}

/** A session summary. */
export interface SessionView {
  session: string;
  agent: string;
  /** Distinct agents in the session (several in multi-agent work). */
  agents: number;
  team: string;
  tenant: string;
  first_ts: string;
  last_ts: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  cost_micros: number;
}

/** One call in a session's timeline. */
export interface TimelineEntry {
  id: string;
  ts: string;
  agent: string;
  model: string;
  status: number;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  finish_reason: string | null;
}

/** `GET /api/overview`. */
export interface OverviewView {
  from: string;
  to: string;
  bucket: string;
  truncated: boolean;
  totals: {
    requests: number;
    errors: number;
    error_rate: number;
    input_tokens: number;
    output_tokens: number;
    cost_usd: number;
    cost_micros: number;
    latency_p50_ms: number | null;
    latency_p95_ms: number | null;
    ttft_p50_ms: number | null;
    ttft_p95_ms: number | null;
    agents: number;
  };
  series: SeriesPoint[];
  top_agents: { agent: string; team: string; tenant: string; cost_usd: number; cost_micros: number; requests: number }[];
}

const r2 = (v: number): number => Math.round(v * 100) / 100;
const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** GroupMetrics → its JSON fields. */
export function metricsView(m: GroupMetrics): MetricsView {
  return {
    requests: m.requests,
    errors: m.errors,
    error_rate: r4(m.errorRate),
    input_tokens: m.inputTokens,
    output_tokens: m.outputTokens,
    tokens_per_call: r2(m.tokensPerCall),
    tokens_per_session: m.tokensPerSession === null ? null : r2(m.tokensPerSession),
    sessions: m.sessions,
    cost_usd: m.costMicros / 1e6,
    cost_micros: m.costMicros,
    cost_per_day_usd: m.costPerDayMicros / 1e6,
    latency_p50_ms: m.latencyP50Ms,
    latency_p95_ms: m.latencyP95Ms,
    ttft_p50_ms: m.ttftP50Ms,
    ttft_p95_ms: m.ttftP95Ms,
    finish_reasons: m.finishReasons,
    refusals: m.refusals,
  };
}

/** Feedback aggregate → its JSON field. */
export function feedbackView(f: FeedbackAggregate | undefined): AgentView['feedback'] {
  return { count: f?.count ?? 0, avg_score: f?.avgScore ?? null, positive_rate: f?.positiveRate ?? null };
}
