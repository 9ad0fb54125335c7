/**
 * Per-group metrics over usage rows: calls, tokens per call and per session, cost per day,
 * p50/p95 latency and TTFT, error rate, finish reasons and refusals. Groups are whatever a key
 * function says (agent, team, tenant, a time bucket…).
 */
import { p50p95 } from './percentile.js';
import type { UsageSample } from './usage-window.js';

const DAY_MS = 86_400_000;

/** Metrics of one group of usage rows. */
export interface GroupMetrics {
  requests: number;
  errors: number;
  /** errors / requests (0 when no requests). */
  errorRate: number;
  inputTokens: number;
  outputTokens: number;
  /** (input + output) / requests. */
  tokensPerCall: number;
  /** Distinct sessions among the rows (rows without a session are not counted). */
  sessions: number;
  /** Tokens of rows that have a session / sessions; null when no row has a session. */
  tokensPerSession: number | null;
  costMicros: number;
  /** Cost scaled to one day: costMicros × 1 day / window length. */
  costPerDayMicros: number;
  /** Latency percentiles over successful rows (ms). */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** TTFT percentiles over successful rows that have a TTFT (ms). */
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  /** Count per finish reason (`stop`, `length`, `tool_calls`, `content_filter`, …). */
  finishReasons: Record<string, number>;
  /** Answers refused by the model: finish reason `content_filter` or `refusal`. */
  refusals: number;
}

/** Accumulates rows of one group. */
class Acc {
  requests = 0;
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  costMicros = 0;
  sessionTokens = 0;
  sessions = new Set<string>();
  latencies: number[] = [];
  ttfts: number[] = [];
  finishReasons: Record<string, number> = {};
  refusals = 0;

  add(r: UsageSample): void {
    this.requests++;
    this.inputTokens += r.inputTokens;
    this.outputTokens += r.outputTokens;
    this.costMicros += r.costMicros;
    if (r.session !== null) {
      this.sessions.add(r.session);
      this.sessionTokens += r.inputTokens + r.outputTokens;
    }
    if (r.failed) this.errors++;
    else {
      this.latencies.push(r.latencyMs);
      if (r.ttftMs !== null) this.ttfts.push(r.ttftMs);
    }
    if (r.finishReason !== null) {
      this.finishReasons[r.finishReason] = (this.finishReasons[r.finishReason] ?? 0) + 1;
      if (r.finishReason === 'content_filter' || r.finishReason === 'refusal') this.refusals++;
    }
  }

  finish(windowMs: number): GroupMetrics {
    const lat = p50p95(this.latencies);
    const ttft = p50p95(this.ttfts);
    const tokens = this.inputTokens + this.outputTokens;
    return {
      requests: this.requests,
      errors: this.errors,
      errorRate: this.requests ? this.errors / this.requests : 0,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      tokensPerCall: this.requests ? tokens / this.requests : 0,
      sessions: this.sessions.size,
      tokensPerSession: this.sessions.size ? this.sessionTokens / this.sessions.size : null,
      costMicros: this.costMicros,
      costPerDayMicros: windowMs > 0 ? Math.round((this.costMicros * DAY_MS) / windowMs) : this.costMicros,
      latencyP50Ms: lat.p50,
      latencyP95Ms: lat.p95,
      ttftP50Ms: ttft.p50,
      ttftP95Ms: ttft.p95,
      finishReasons: this.finishReasons,
      refusals: this.refusals,
    };
  }
}

/**
 * Groups rows by `keyOf` and computes each group's metrics over a window of `windowMs`.
 *
 * @example
 * ```ts
 * const byAgent = groupMetrics(w.rows, (r) => `${r.tenant}/${r.team}/${r.agent}`, w.to - w.from);
 * ```
 */
export function groupMetrics(rows: readonly UsageSample[], keyOf: (r: UsageSample) => string | null, windowMs: number): Map<string, GroupMetrics> {
  const accs = new Map<string, Acc>();
  for (const r of rows) {
    const k = keyOf(r);
    if (k === null) continue;
    let a = accs.get(k);
    if (!a) accs.set(k, (a = new Acc()));
    a.add(r);
  }
  const out = new Map<string, GroupMetrics>();
  for (const [k, a] of accs) out.set(k, a.finish(windowMs));
  return out;
}

/** Metrics of all rows together. */
export function totalMetrics(rows: readonly UsageSample[], windowMs: number): GroupMetrics {
  return groupMetrics(rows, () => '', windowMs).get('') ?? new Acc().finish(windowMs);
}

/** The key of an agent in analytics: `tenant/team/agent`. */
export function agentKey(r: { tenant: string; team: string; agent: string }): string {
  return `${r.tenant}/${r.team}/${r.agent}`;
}
