/**
 * Anomalies: an agent whose behaviour departs from its peer group's, with the evidence.
 */

/** A metric anomalies compare across peers. */
export type AnomalyMetric = 'tokens_per_session' | 'cost_per_day' | 'error_rate' | 'latency_p95';

/** All anomaly metrics. */
export const ANOMALY_METRICS: readonly AnomalyMetric[] = ['tokens_per_session', 'cost_per_day', 'error_rate', 'latency_p95'];

/** What triggered an anomaly. */
export interface AnomalyEvidence {
  window_from: string;
  window_to: string;
  /** The peers' values of the metric (the agent itself excluded). */
  peers: { agent: string; value: number }[];
  /** Median absolute deviation of the peers' values. */
  peer_mad: number;
  /** Sessions (tokens_per_session) or requests behind the agent's value. */
  samples: number;
  /** The rule's parameters, e.g. `{ method: 'ratio', threshold: 3 }`. */
  params: Record<string, number | string>;
}

/** An anomaly as the API and the event stream show it (see docs/api-observability.md). */
export interface Anomaly {
  id: string;
  agent: string;
  team: string;
  tenant: string;
  peer_group: string;
  metric: AnomalyMetric;
  /** The agent's value: tokens, USD per day, a rate in [0,1], or ms. */
  value: number;
  peer_median: number;
  /** value / peer_median (null when the median is 0). */
  ratio: number | null;
  /** 0.6745·(value − median)/MAD (null when the peers do not vary). */
  robust_z: number | null;
  /** Which rule flagged it, e.g. `tokens_per_session ratio >= 3`. */
  rule: string;
  detected_at: string;
  /** Last evaluation that still saw it. */
  last_seen_at: string;
  /** When it stopped (null while active). */
  resolved_at: string | null;
  active: boolean;
  evidence: AnomalyEvidence;
}
