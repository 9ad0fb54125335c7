/**
 * How an anomaly reads: a badge in tables, a sentence with its evidence on detail pages.
 */
import { Badge } from '../components/ui';
import { count, money, ms, pct } from '../format';
import type { Anomaly } from '../types';

const METRIC: Record<string, { label: string; fmt: (v: number) => string }> = {
  tokens_per_session: { label: 'tokens per session', fmt: count },
  cost_per_day: { label: 'cost per day', fmt: money },
  error_rate: { label: 'error rate', fmt: pct },
  latency_p95: { label: 'p95 latency', fmt: ms },
};

/** The metric's words and formatter. */
export function metricOf(a: Anomaly): { label: string; fmt: (v: number) => string } {
  return METRIC[a.metric] ?? { label: a.metric.replaceAll('_', ' '), fmt: (v: number) => v.toLocaleString('en-US') };
}

/** A compact flag for a table row. */
export function AnomalyBadges({ list }: { list: Anomaly[] }) {
  if (list.length === 0) return <span className="muted">–</span>;
  return (
    <span className="badges" data-testid="anomaly-flag">
      {list.map((a) => (
        <Badge key={a.id} tone="warn" title={sentence(a)}>
          ⚑ {metricOf(a).label} ×{a.ratio.toFixed(1)}
        </Badge>
      ))}
    </span>
  );
}

/** "uses 3.1× the tokens per session of its peers (1,234 vs median 400)". */
export function sentence(a: Anomaly): string {
  const m = metricOf(a);
  return `${m.label}: ${m.fmt(a.value)} vs peer median ${m.fmt(a.peer_median)} (×${a.ratio.toFixed(1)}, robust z ${a.robust_z.toFixed(1)}) in peer group ${a.peer_group}; rule ${a.rule}`;
}
