/**
 * Peer comparison: flags agents whose metric departs from the other agents of their peer group,
 * by a robust z-score (median/MAD) or a ratio to the peers' median. Pure: data in, detections out.
 */
import type { GroupMetrics } from '../analytics/metrics.js';
import type { AnomaliesSpec, AnomalyRuleSpec } from './anomaly-spec.js';
import { robustZ } from './robust-stats.js';
import type { Anomaly, AnomalyMetric } from './types.js';

/** An agent with its metrics over the window, and the peer group it belongs to. */
export interface PeerSubject {
  tenant: string;
  team: string;
  agent: string;
  group: string;
  metrics: GroupMetrics;
}

/** An anomaly before it is stored (no id or timestamps yet). */
export type Detection = Omit<Anomaly, 'id' | 'detected_at' | 'last_seen_at' | 'resolved_at' | 'active'>;

/** The value of a metric in its API units (USD for cost), or null when undefined. */
export function metricValue(m: GroupMetrics, metric: AnomalyMetric): number | null {
  switch (metric) {
    case 'tokens_per_session':
      return m.tokensPerSession;
    case 'cost_per_day':
      return m.costPerDayMicros / 1e6;
    case 'error_rate':
      return m.errorRate;
    case 'latency_p95':
      return m.latencyP95Ms;
  }
}

function samples(m: GroupMetrics, metric: AnomalyMetric): number {
  return metric === 'tokens_per_session' ? m.sessions : m.requests;
}

/** A rule as one line, e.g. `tokens_per_session ratio >= 3`. */
export function describeRule(r: AnomalyRuleSpec): string {
  const t = r.threshold ?? (r.method === 'ratio' ? 3 : 3.5);
  const what = r.method === 'ratio' ? 'ratio' : '|robust_z|';
  return `${r.metric} ${what} >= ${t}${r.direction !== 'high' ? ` (${r.direction})` : ''}`;
}

function flags(rule: AnomalyRuleSpec, x: number, med: number, z: number | null): boolean {
  const t = rule.threshold ?? (rule.method === 'ratio' ? 3 : 3.5);
  const delta = x - med;
  const up = rule.direction !== 'low';
  const down = rule.direction !== 'high';
  if (Math.abs(delta) < rule.min_delta || delta === 0) return false;
  if ((delta > 0 && !up) || (delta < 0 && !down)) return false;
  const ratio = med > 0 ? x / med : Infinity;
  if (rule.method === 'ratio') return delta > 0 ? ratio >= t : ratio <= 1 / t;
  // mad: the peers must vary enough to score, or not vary at all (then any departure counts).
  if (z !== null && Math.abs(z) < t) return false;
  if (rule.min_ratio !== undefined) return delta > 0 ? ratio >= rule.min_ratio : ratio <= 1 / rule.min_ratio;
  return true;
}

const round = (v: number, d = 4): number => Math.round(v * 10 ** d) / 10 ** d;

/**
 * Compares every agent to the rest of its peer group under each rule. An agent is compared only
 * when it has `min_samples` and its group has at least `min_peers` other agents with `min_samples`.
 * One detection per agent and metric (the first rule that flags it).
 *
 * @example
 * ```ts
 * const found = detectAnomalies(subjects, spec.anomalies, { from, to });
 * ```
 */
export function detectAnomalies(subjects: readonly PeerSubject[], cfg: Pick<AnomaliesSpec, 'rules' | 'min_peers'>, window: { from: number; to: number }): Detection[] {
  const groups = new Map<string, PeerSubject[]>();
  for (const s of subjects) {
    const g = groups.get(s.group);
    if (g) g.push(s);
    else groups.set(s.group, [s]);
  }
  const out: Detection[] = [];
  const seen = new Set<string>();
  for (const rule of cfg.rules) {
    for (const [group, members] of groups) {
      const eligible = members.filter((s) => samples(s.metrics, rule.metric) >= rule.min_samples && metricValue(s.metrics, rule.metric) !== null);
      if (eligible.length < cfg.min_peers + 1) continue;
      for (const s of eligible) {
        const id = `${s.tenant}/${s.team}/${s.agent}:${rule.metric}`;
        if (seen.has(id)) continue;
        const x = metricValue(s.metrics, rule.metric)!;
        const peers = eligible.filter((p) => p !== s).map((p) => ({ agent: p.agent, value: round(metricValue(p.metrics, rule.metric)!) }));
        const { median: med, mad, z } = robustZ(x, peers.map((p) => p.value));
        if (!flags(rule, x, med, z)) continue;
        seen.add(id);
        out.push({
          agent: s.agent,
          team: s.team,
          tenant: s.tenant,
          peer_group: group,
          metric: rule.metric,
          value: round(x),
          peer_median: round(med),
          ratio: med > 0 ? round(x / med) : null,
          robust_z: z === null ? null : round(z, 2),
          rule: describeRule(rule),
          evidence: {
            window_from: new Date(window.from).toISOString(),
            window_to: new Date(window.to).toISOString(),
            peers,
            peer_mad: round(mad),
            samples: samples(s.metrics, rule.metric),
            params: {
              method: rule.method,
              threshold: rule.threshold ?? (rule.method === 'ratio' ? 3 : 3.5),
              min_samples: rule.min_samples,
              ...(rule.min_ratio !== undefined ? { min_ratio: rule.min_ratio } : {}),
              ...(rule.min_delta ? { min_delta: rule.min_delta } : {}),
            },
          },
        });
      }
    }
  }
  return out;
}
