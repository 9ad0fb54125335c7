/**
 * The alert rule language: one condition per rule.
 *
 * ```
 * agent.cost_usd_per_day > 100          # USD; `$100` also works
 * team.ttft_p95 > 2s over 10m           # latencies take ms (default), s or m; `over` sets the window
 * agent.error_rate > 5%                 # rates take % or a fraction (0.05)
 * tenant.requests >= 10000 over 1h
 * anomaly                               # any active anomaly (or `anomaly.tokens_per_session`)
 * budget >= 80%                         # a budget's used/limit (reported by the budget ledger)
 * ```
 *
 * Scopes: `agent`, `team`, `tenant`. Metrics: see {@link ALERT_METRICS}. Operators: `> >= < <= == !=`.
 * The default window is 1h (24h for `cost_usd_per_day`, which is cost over the window scaled to a day).
 */
import { parseDuration } from '../analytics/duration.js';
import { ANOMALY_METRICS, type AnomalyMetric } from '../anomalies/types.js';

/** Kinds of value a metric holds, which decides the units it accepts. */
type MetricUnit = 'usd' | 'count' | 'rate' | 'ms' | 'tokens';

/** Metrics an alert rule can test, with their units. */
export const ALERT_METRICS = {
  cost_usd_per_day: 'usd',
  cost_usd: 'usd',
  requests: 'count',
  errors: 'count',
  error_rate: 'rate',
  refusals: 'count',
  refusal_rate: 'rate',
  tokens: 'tokens',
  tokens_per_call: 'tokens',
  tokens_per_session: 'tokens',
  latency_p50: 'ms',
  latency_p95: 'ms',
  ttft_p50: 'ms',
  ttft_p95: 'ms',
} as const satisfies Record<string, MetricUnit>;

/** A metric name of the rule language. */
export type AlertMetric = keyof typeof ALERT_METRICS;
/** A comparison operator. */
export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
/** Who a metric rule is evaluated for. */
export type AlertScope = 'agent' | 'team' | 'tenant';

/** A parsed rule condition. Thresholds are in base units: USD, fractions, ms, counts. */
export type AlertCondition =
  | { kind: 'metric'; scope: AlertScope; metric: AlertMetric; op: CompareOp; threshold: number; windowMs: number }
  | { kind: 'anomaly'; metric: AnomalyMetric | null }
  | { kind: 'budget'; op: CompareOp; threshold: number };

/** A rule expression that does not parse; `column` is 1-based. */
export class AlertExprError extends Error {
  constructor(
    readonly reason: string,
    readonly column: number,
  ) {
    super(`at column ${column}: ${reason}`);
  }
}

interface Token {
  text: string;
  col: number;
}

const TOKEN = /\s*(>=|<=|==|!=|>|<|\.|\$?\d+(?:\.\d+)?(?:%|ms|[smhd])?|[A-Za-z_][A-Za-z0-9_]*|\S)/y;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (;;) {
    const start = TOKEN.lastIndex;
    if (/^\s*$/.test(src.slice(start))) break;
    const m = TOKEN.exec(src);
    if (!m) break;
    out.push({ text: m[1]!, col: start + m[0].indexOf(m[1]!) + 1 });
  }
  return out;
}

const OPS = new Set(['>', '>=', '<', '<=', '==', '!=']);
const DEFAULT_WINDOW_MS = 3_600_000;

/**
 * Parses a rule expression.
 *
 * @throws AlertExprError naming the column and what was expected.
 * @example
 * ```ts
 * parseAlertExpr('team.ttft_p95 > 2s over 10m');
 * // { kind: 'metric', scope: 'team', metric: 'ttft_p95', op: '>', threshold: 2000, windowMs: 600000 }
 * ```
 */
export function parseAlertExpr(src: string): AlertCondition {
  const toks = tokenize(src);
  let i = 0;
  const end = src.length + 1;
  const peek = (): Token | undefined => toks[i];
  const take = (what: string): Token => {
    const t = toks[i++];
    if (!t) throw new AlertExprError(`expected ${what}, got the end of the expression`, end);
    return t;
  };
  const done = (): void => {
    const t = peek();
    if (t) throw new AlertExprError(`unexpected '${t.text}' after a complete condition`, t.col);
  };
  const head = take("a condition such as 'agent.error_rate > 5%', 'anomaly' or 'budget >= 80%'");

  if (head.text === 'anomaly') {
    let metric: AnomalyMetric | null = null;
    if (peek()?.text === '.') {
      i++;
      const m = take(`an anomaly metric (${ANOMALY_METRICS.join(', ')})`);
      if (!(ANOMALY_METRICS as readonly string[]).includes(m.text)) throw new AlertExprError(`unknown anomaly metric '${m.text}' (use ${ANOMALY_METRICS.join(', ')})`, m.col);
      metric = m.text as AnomalyMetric;
    }
    done();
    return { kind: 'anomaly', metric };
  }

  if (head.text === 'budget') {
    const op = takeOp(take('an operator (>, >=, <, <=, ==, !=)'));
    const v = take('a threshold such as 80%');
    const threshold = value(v, 'rate');
    done();
    return { kind: 'budget', op, threshold };
  }

  if (head.text !== 'agent' && head.text !== 'team' && head.text !== 'tenant') {
    throw new AlertExprError(`unknown subject '${head.text}' (use agent, team, tenant, anomaly or budget)`, head.col);
  }
  const dot = take("'.' and a metric");
  if (dot.text !== '.') throw new AlertExprError(`expected '.' after '${head.text}', got '${dot.text}'`, dot.col);
  const m = take('a metric');
  if (!(m.text in ALERT_METRICS)) throw new AlertExprError(`unknown metric '${m.text}' (use ${Object.keys(ALERT_METRICS).join(', ')})`, m.col);
  const metric = m.text as AlertMetric;
  const op = takeOp(take('an operator (>, >=, <, <=, ==, !=)'));
  const threshold = value(take('a threshold'), ALERT_METRICS[metric]);
  let windowMs = metric === 'cost_usd_per_day' ? 86_400_000 : DEFAULT_WINDOW_MS;
  if (peek()?.text === 'over') {
    i++;
    const d = take('a window such as 10m or 1h');
    const ms = parseDuration(d.text);
    if (ms === undefined || ms <= 0) throw new AlertExprError(`expected a window such as 10m, 1h or 1d after 'over', got '${d.text}'`, d.col);
    windowMs = ms;
  }
  done();
  return { kind: 'metric', scope: head.text, metric, op, threshold, windowMs };
}

function takeOp(t: Token): CompareOp {
  if (!OPS.has(t.text)) throw new AlertExprError(`expected an operator (>, >=, <, <=, ==, !=), got '${t.text}'`, t.col);
  return t.text as CompareOp;
}

function value(t: Token, unit: MetricUnit): number {
  const m = /^(\$?)(\d+(?:\.\d+)?)(%|ms|[smhd])?$/.exec(t.text);
  if (!m) throw new AlertExprError(`expected a number, got '${t.text}'`, t.col);
  const [, dollar, num, suffix] = m;
  const n = Number(num);
  if (dollar && unit !== 'usd') throw new AlertExprError(`'$' applies to cost metrics only`, t.col);
  if (suffix === '%') {
    if (unit !== 'rate') throw new AlertExprError(`'%' applies to rates (error_rate, refusal_rate, budget) only`, t.col);
    return n / 100;
  }
  if (suffix !== undefined) {
    if (unit !== 'ms') throw new AlertExprError(`a time unit ('${suffix}') applies to latency and TTFT metrics only`, t.col);
    if (suffix === 'h' || suffix === 'd') throw new AlertExprError(`use ms, s or m for latencies`, t.col);
    return parseDuration(t.text)!;
  }
  return n;
}

/** True when `value op threshold` holds. */
export function compare(value: number, op: CompareOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
