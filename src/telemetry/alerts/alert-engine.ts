/**
 * The AlertEngine: evaluates the spec's alert rules on a schedule, keeps one firing alert per
 * rule and subject, fires (after an optional `for:` duration) and resolves them, stores them, and
 * tells the log, the event stream (`event: alert`) and the webhooks. Budget rules are fed by
 * {@link AlertEngine.reportBudgetUsage}, called by the budget ledger.
 */
import { randomBytes } from 'node:crypto';
import type { Analytics, MetricScope } from '../analytics/analytics.js';
import type { Clock } from '../analytics/clock.js';
import { formatDuration } from '../analytics/duration.js';
import type { GroupMetrics } from '../analytics/metrics.js';
import type { Anomaly } from '../anomalies/types.js';
import { compare, parseAlertExpr, type AlertCondition, type AlertMetric } from './alert-expr.js';
import type { AlertRecord, AlertRepo, AlertState, SubjectKind } from './alert-repo.js';
import type { AlertRuleSpec, AlertsSpec } from './alert-spec.js';
import { alertView, type AlertView } from './alert-view.js';
import type { WebhookDeliverer } from './webhook-deliverer.js';

/** Where alert transitions are logged (a pino logger fits). */
export interface AlertLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Options of an {@link AlertEngine}. */
export interface AlertEngineOptions {
  analytics: Pick<Analytics, 'metricsBy'>;
  repo: AlertRepo;
  clock: Clock;
  /** The current `alerts:` section (read on every evaluation). */
  config: () => AlertsSpec;
  /** Active anomalies (for `anomaly` rules). */
  anomalies?: () => readonly Anomaly[];
  deliverer?: WebhookDeliverer;
  publish?: (type: 'alert', data: AlertView) => void;
  logger?: AlertLogger;
}

/** One subject's reading under a rule. */
interface Observation {
  kind: SubjectKind;
  id: string;
  value: number | null;
  threshold: number | null;
  holds: boolean;
  text: string;
}

/** The value of an alert metric, or null when it is undefined for the group. */
export function alertMetricValue(m: GroupMetrics, metric: AlertMetric): number | null {
  switch (metric) {
    case 'cost_usd_per_day': return m.costPerDayMicros / 1e6;
    case 'cost_usd': return m.costMicros / 1e6;
    case 'requests': return m.requests;
    case 'errors': return m.errors;
    case 'error_rate': return m.errorRate;
    case 'refusals': return m.refusals;
    case 'refusal_rate': return m.requests ? m.refusals / m.requests : 0;
    case 'tokens': return m.inputTokens + m.outputTokens;
    case 'tokens_per_call': return m.tokensPerCall;
    case 'tokens_per_session': return m.tokensPerSession;
    case 'latency_p50': return m.latencyP50Ms;
    case 'latency_p95': return m.latencyP95Ms;
    case 'ttft_p50': return m.ttftP50Ms;
    case 'ttft_p95': return m.ttftP95Ms;
  }
}

const fmt = (v: number): string => String(Math.round(v * 10_000) / 10_000);
const pct = (v: number): string => `${Math.round(v * 1000) / 10}%`;

/** Evaluates alert rules; see the module comment. */
export class AlertEngine {
  private readonly firing = new Map<string, AlertRecord>();
  private readonly pendingSince = new Map<string, number>();
  private readonly budgets = new Map<string, { used: number; limit: number }>();
  private readonly parsed = new Map<string, AlertCondition>();
  private loaded = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: AlertEngineOptions) {}

  /** One evaluation of every rule. */
  evaluate(): Promise<void> {
    return this.serial(async () => {
      await this.load();
      const now = this.opts.clock.now();
      const cfg = this.opts.config();
      const cache = new Map<string, Promise<Map<string, GroupMetrics>>>();
      for (const rule of cfg.rules) {
        const cond = this.condition(rule.expr);
        const obs = await this.observe(cond, now, cache);
        await this.apply(rule, obs, now, true);
      }
      // Alerts of rules that left the spec resolve.
      const names = new Set(cfg.rules.map((r) => r.name));
      for (const a of [...this.firing.values()]) if (!names.has(a.rule) && a.subjectKind !== 'goal') await this.resolve(a, now, undefined);
    });
  }

  /**
   * Reports a budget's usage (same units for `used` and `limit`, e.g. micro-dollars). Every
   * `budget` rule compares `used / limit` with its threshold at once, firing or resolving the
   * alert for `subject` (e.g. `team:support/day`).
   *
   * @example
   * ```ts
   * await alerts.reportBudgetUsage('team:support/day', 82_000_000, 100_000_000); // fires `budget >= 80%`
   * ```
   */
  reportBudgetUsage(subject: string, used: number, limit: number): Promise<void> {
    return this.serial(async () => {
      await this.load();
      this.budgets.set(subject, { used, limit });
      const now = this.opts.clock.now();
      for (const rule of this.opts.config().rules) {
        const cond = this.condition(rule.expr);
        if (cond.kind !== 'budget') continue;
        await this.apply(rule, [this.budgetObservation(cond, subject, used, limit)], now, false);
      }
    });
  }

  /**
   * Raises an alert that no rule evaluates (the goal controller's requests for a person): one
   * firing alert per `rule` and subject, kept until {@link AlertEngine.clear}. Returns the firing
   * alert and whether this call fired it (false: it was already firing, here or on another node).
   * `rule` must start with `goal:` so rule evaluation leaves it alone.
   */
  raise(a: { rule: `goal:${string}`; severity: 'warning' | 'critical'; subjectId: string; value: number | null; threshold: number | null; message: string }): Promise<{ alert: AlertView; fired: boolean }> {
    return this.serial(async () => {
      await this.load();
      const k = keyOf(a.rule, 'goal', a.subjectId);
      const have = this.firing.get(k);
      if (have) return { alert: alertView(have), fired: false };
      const now = this.opts.clock.now();
      const rec: AlertRecord = {
        id: `alr_${randomBytes(10).toString('hex')}`, rule: a.rule, severity: a.severity, state: 'firing', subjectKind: 'goal', subjectId: a.subjectId,
        value: a.value, threshold: a.threshold, message: a.message, startedAt: now, resolvedAt: null, lastEvaluatedAt: now,
      };
      if (!(await this.opts.repo.insertFiring(rec))) {
        const theirs = (await this.opts.repo.firing()).find((x) => keyOf(x.rule, x.subjectKind, x.subjectId) === k);
        if (theirs) this.firing.set(k, theirs);
        return { alert: alertView(theirs ?? rec), fired: false };
      }
      this.firing.set(k, rec);
      this.opts.logger?.warn({ alert: { id: rec.id, rule: rec.rule, severity: rec.severity, subject: `goal:${rec.subjectId}`, value: rec.value, threshold: rec.threshold } }, `alert firing: ${rec.message}`);
      this.notify(rec, 'firing', undefined);
      return { alert: alertView(rec), fired: true };
    });
  }

  /** Resolves an alert raised with {@link AlertEngine.raise}; false when none was firing. */
  clear(rule: `goal:${string}`, subjectId: string): Promise<boolean> {
    return this.serial(async () => {
      await this.load();
      const a = this.firing.get(keyOf(rule, 'goal', subjectId));
      if (!a) return false;
      await this.resolve(a, this.opts.clock.now(), undefined);
      return true;
    });
  }

  /** Alert history with deliveries, newest first. */
  async list(opts: { state?: AlertState; from?: number; limit?: number } = {}): Promise<AlertView[]> {
    const rows = await this.opts.repo.list(opts);
    const deliveries = await this.opts.repo.deliveries(rows.map((r) => r.id));
    return rows.map((r) => alertView(r, deliveries.filter((d) => d.alertId === r.id)));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    for (const a of await this.opts.repo.firing()) this.firing.set(keyOf(a.rule, a.subjectKind, a.subjectId), a);
    this.loaded = true;
  }

  private condition(expr: string): AlertCondition {
    let c = this.parsed.get(expr);
    if (!c) this.parsed.set(expr, (c = parseAlertExpr(expr)));
    return c;
  }

  private async observe(cond: AlertCondition, now: number, cache: Map<string, Promise<Map<string, GroupMetrics>>>): Promise<Observation[]> {
    if (cond.kind === 'budget') return [...this.budgets].map(([id, b]) => this.budgetObservation(cond, id, b.used, b.limit));
    if (cond.kind === 'anomaly') {
      return (this.opts.anomalies?.() ?? [])
        .filter((a) => a.active && (cond.metric === null || a.metric === cond.metric))
        .map((a) => ({
          kind: 'anomaly' as const, id: `${a.agent}:${a.metric}`, value: a.value, threshold: a.peer_median, holds: true,
          text: `agent '${a.agent}' (${a.peer_group}) is anomalous: ${a.metric} ${fmt(a.value)} vs peer median ${fmt(a.peer_median)} (${a.rule})`,
        }));
    }
    const k = `${cond.scope}:${cond.windowMs}`;
    let p = cache.get(k);
    if (!p) cache.set(k, (p = this.opts.analytics.metricsBy(cond.scope as MetricScope, { from: now - cond.windowMs, to: now })));
    const out: Observation[] = [];
    for (const [id, m] of await p) {
      const v = alertMetricValue(m, cond.metric);
      if (v === null) continue;
      const shown = cond.metric.endsWith('_rate') ? `${pct(v)} ${cond.op} ${pct(cond.threshold)}` : `${fmt(v)} ${cond.op} ${fmt(cond.threshold)}`;
      out.push({ kind: cond.scope, id, value: v, threshold: cond.threshold, holds: compare(v, cond.op, cond.threshold), text: `${cond.scope} '${id}': ${cond.metric} ${shown} over ${formatDuration(cond.windowMs)}` });
    }
    return out;
  }

  private budgetObservation(cond: Extract<AlertCondition, { kind: 'budget' }>, id: string, used: number, limit: number): Observation {
    const ratio = limit > 0 ? used / limit : used > 0 ? Infinity : 0;
    return { kind: 'budget', id, value: Number.isFinite(ratio) ? ratio : null, threshold: cond.threshold, holds: compare(ratio, cond.op, cond.threshold), text: `budget '${id}' at ${Number.isFinite(ratio) ? pct(ratio) : 'over'} of its limit (${used} of ${limit}; rule ${cond.op} ${pct(cond.threshold)})` };
  }

  private async apply(rule: AlertRuleSpec, obs: readonly Observation[], now: number, complete: boolean): Promise<void> {
    const seen = new Set<string>();
    for (const o of obs) {
      const k = keyOf(rule.name, o.kind, o.id);
      seen.add(k);
      const current = this.firing.get(k);
      if (!o.holds) {
        this.pendingSince.delete(k);
        if (current) await this.resolve(current, now, rule);
        continue;
      }
      if (current) {
        current.value = o.value;
        current.lastEvaluatedAt = now;
        await this.opts.repo.touch(current.id, o.value, now);
        continue;
      }
      const since = this.pendingSince.get(k) ?? now;
      this.pendingSince.set(k, since);
      if (now - since >= (rule.for ?? 0)) await this.fire(rule, o, now);
    }
    if (!complete) return;
    for (const [k, a] of [...this.firing]) if (a.rule === rule.name && !seen.has(k)) await this.resolve(a, now, rule);
    for (const k of [...this.pendingSince.keys()]) if (k.startsWith(`${rule.name}|`) && !seen.has(k)) this.pendingSince.delete(k);
  }

  private async fire(rule: AlertRuleSpec, o: Observation, now: number): Promise<void> {
    const k = keyOf(rule.name, o.kind, o.id);
    const message = rule.message
      ? rule.message.replaceAll('{subject}', o.id).replaceAll('{value}', o.value === null ? '-' : fmt(o.value)).replaceAll('{threshold}', o.threshold === null ? '-' : fmt(o.threshold))
      : `${rule.name}: ${o.text}`;
    const a: AlertRecord = {
      id: `alr_${randomBytes(10).toString('hex')}`, rule: rule.name, severity: rule.severity, state: 'firing', subjectKind: o.kind, subjectId: o.id,
      value: o.value, threshold: o.threshold, message, startedAt: now, resolvedAt: null, lastEvaluatedAt: now,
    };
    this.pendingSince.delete(k);
    if (!(await this.opts.repo.insertFiring(a))) {
      // Another node fired it first: adopt its alert, do not notify twice.
      const theirs = (await this.opts.repo.firing()).find((x) => keyOf(x.rule, x.subjectKind, x.subjectId) === k);
      if (theirs) this.firing.set(k, theirs);
      return;
    }
    this.firing.set(k, a);
    this.opts.logger?.warn({ alert: { id: a.id, rule: a.rule, severity: a.severity, subject: `${a.subjectKind}:${a.subjectId}`, value: a.value, threshold: a.threshold } }, `alert firing: ${a.message}`);
    this.notify(a, 'firing', rule);
  }

  private async resolve(a: AlertRecord, now: number, rule: AlertRuleSpec | undefined): Promise<void> {
    this.firing.delete(keyOf(a.rule, a.subjectKind, a.subjectId));
    await this.opts.repo.resolve(a.id, now);
    a.state = 'resolved';
    a.resolvedAt = now;
    a.lastEvaluatedAt = now;
    this.opts.logger?.info({ alert: { id: a.id, rule: a.rule, subject: `${a.subjectKind}:${a.subjectId}` } }, `alert resolved: ${a.message}`);
    this.notify(a, 'resolved', rule);
  }

  private notify(a: AlertRecord, event: AlertState, rule: AlertRuleSpec | undefined): void {
    const view = alertView(a);
    this.opts.publish?.('alert', view);
    const { deliveries: _omit, ...body } = view;
    const targets = rule?.notify ?? Object.keys(this.opts.config().webhooks);
    this.opts.deliverer?.deliver(a.id, event, body, targets);
  }
}

function keyOf(rule: string, kind: string, id: string): string {
  return `${rule}|${kind}|${id}`;
}
