/**
 * The `usage` event of the live stream: a small summary of one metered call.
 */
import type { UsageRecord } from '../../metering/usage-record.js';

/** What `event: usage` carries. */
export interface UsageEventData {
  id: string;
  ts: number;
  agent: string;
  team: string;
  tenant: string;
  session: string | null;
  model: string;
  status: number;
  cost_usd: number;
  cost_micros: number;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
}

/**
 * Summarises a usage record for the live stream.
 *
 * @example
 * ```ts
 * recorder = new UsageRecorder({ repo, onRecord: (r) => hub.publish('usage', usageEventData(r)) });
 * ```
 */
export function usageEventData(r: UsageRecord): UsageEventData {
  return {
    id: r.id, ts: r.ts, agent: r.agent, team: r.team, tenant: r.tenant, session: r.session, model: r.model, status: r.status,
    cost_usd: r.costMicros / 1e6, cost_micros: r.costMicros, latency_ms: r.latencyMs, ttft_ms: r.ttftMs,
    input_tokens: r.inputTokens, output_tokens: r.outputTokens,
  };
}
