/**
 * Rollout conditions, as written after `--promote-if` and `--rollback-if`:
 *
 * | text | means |
 * |---|---|
 * | `success +5%` | canary success rate ≥ stable's + 5 percentage points (rates move in points) |
 * | `error_rate > 2%` | canary error rate above 2% |
 * | `error_rate > stable + 1%` | canary error rate above stable's + 1 point |
 * | `block_rate > 5%` | guardrail blocks (`content_blocked`) above 5% of canary requests |
 * | `latency_ms +20%` / `latency_ms > stable * 1.2` | canary mean latency 20% above stable's |
 * | `p95_latency_ms > 2000` | canary p95 latency above 2 s |
 * | `cost +10%` / `cost > $0.002` | mean cost per request 10% above stable's / above $0.002 |
 *
 * Several conditions are separated by `,` (or `or` for guards, `and` for promotion). Every
 * condition is decided with a test at the rollout's alpha (see `analysis.ts`), never on a raw ratio.
 */
import { InvalidRequestError } from '../errors.js';

/** A metric a condition can test. */
export type ConditionMetric = 'success' | 'error_rate' | 'block_rate' | 'latency_ms' | 'p95_latency_ms' | 'cost';

/** A parsed condition. */
export interface Condition {
  text: string;
  metric: ConditionMetric;
  op: '>' | '<';
  /** `absolute`: against `value`; `stable`: against stable's figure `+ value` (`add`) or `* value` (`mul`). */
  against: 'absolute' | 'stable';
  combine: 'add' | 'mul';
  /** Rates as fractions, latency in ms, cost in micro-dollars; for `mul` the factor. */
  value: number;
}

const METRICS: Record<string, ConditionMetric> = {
  success: 'success', success_rate: 'success', error_rate: 'error_rate', errors: 'error_rate', error: 'error_rate',
  block_rate: 'block_rate', blocks: 'block_rate', guardrail_blocks: 'block_rate', latency: 'latency_ms', latency_ms: 'latency_ms',
  p95_latency: 'p95_latency_ms', p95_latency_ms: 'p95_latency_ms', cost: 'cost', cost_per_request: 'cost',
};

/** True for metrics that are rates (changes in percentage points). */
export function isRate(m: ConditionMetric): boolean {
  return m === 'success' || m === 'error_rate' || m === 'block_rate';
}

function quantity(metric: ConditionMetric, raw: string, text: string): number {
  const m = /^(\$)?([+-]?\d+(?:\.\d+)?)\s*(%|pp|ms|s|usd)?$/i.exec(raw.trim());
  if (!m) throw new InvalidRequestError(`condition '${text}': cannot read '${raw}' (expected a number like 2%, 150ms or $0.01)`);
  const n = Number(m[2]);
  const unit = (m[3] ?? '').toLowerCase();
  if (m[1] || unit === 'usd') return Math.round(n * 1e6);
  if (unit === '%' || unit === 'pp') return n / 100;
  if (unit === 's') return n * 1000;
  if (isRate(metric) && unit === '' && n > 1) throw new InvalidRequestError(`condition '${text}': a rate needs a % (or a fraction ≤ 1)`);
  return n;
}

/** Parses one condition. */
export function parseCondition(text: string): Condition {
  const t = text.trim().replace(/\s+/g, ' ');
  const short = /^([a-z_0-9]+) ([+-]\s*\d+(?:\.\d+)?\s*(?:%|pp|ms|s))$/i.exec(t);
  if (short) {
    const metric = METRICS[short[1]!.toLowerCase()];
    if (!metric) throw new InvalidRequestError(`condition '${t}': unknown metric '${short[1]}'; known: ${Object.keys(METRICS).join(', ')}`);
    const raw = short[2]!.replace(/\s/g, '');
    const signed = quantity(metric, raw, t);
    const op = raw.startsWith('-') ? '<' : '>';
    if (isRate(metric) || !raw.endsWith('%')) return { text: t, metric, op, against: 'stable', combine: 'add', value: signed };
    return { text: t, metric, op, against: 'stable', combine: 'mul', value: 1 + signed };
  }
  const full = /^([a-z_0-9]+) ?(>=|<=|>|<) ?(.+)$/i.exec(t);
  if (!full) throw new InvalidRequestError(`condition '${t}': expected '<metric> <op> <value>' (e.g. "error_rate > 2%") or '<metric> +N%' (e.g. "success +5%")`);
  const metric = METRICS[full[1]!.toLowerCase()];
  if (!metric) throw new InvalidRequestError(`condition '${t}': unknown metric '${full[1]}'; known: ${Object.keys(METRICS).join(', ')}`);
  const op = full[2]!.startsWith('>') ? '>' : '<';
  const rhs = full[3]!.trim();
  const vs = /^stable(?: ?([+*-]) ?(.+))?$/i.exec(rhs);
  if (!vs) return { text: t, metric, op, against: 'absolute', combine: 'add', value: quantity(metric, rhs, t) };
  if (!vs[1]) return { text: t, metric, op, against: 'stable', combine: 'add', value: 0 };
  if (vs[1] === '*') {
    const f = Number(vs[2]);
    if (!Number.isFinite(f) || f <= 0) throw new InvalidRequestError(`condition '${t}': 'stable * F' needs a positive factor`);
    return { text: t, metric, op, against: 'stable', combine: 'mul', value: f };
  }
  const raw = vs[2]!.trim();
  if (!isRate(metric) && raw.endsWith('%')) {
    const pct = quantity(metric, raw, t);
    return { text: t, metric, op, against: 'stable', combine: 'mul', value: 1 + (vs[1] === '-' ? -pct : pct) };
  }
  const q = quantity(metric, raw, t);
  return { text: t, metric, op, against: 'stable', combine: 'add', value: vs[1] === '-' ? -q : q };
}

/**
 * Parses a list of conditions (`,`, `;`, ` or `, ` and ` separate them); empty text → none.
 *
 * @example
 * ```ts
 * parseConditions('error_rate > 2%, p95_latency_ms > 2000').length; // 2
 * ```
 */
export function parseConditions(text: string | null | undefined): Condition[] {
  if (!text || !text.trim()) return [];
  return text
    .split(/,|;|\s+or\s+|\s+and\s+/i)
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseCondition);
}
