/**
 * Assembles daca's observability side: the live EventHub, analytics, feedback, the anomaly
 * monitor and the alert engine with webhook delivery, plus the schedules that run detection and
 * rule evaluation. One call from the server's services; `close()` on shutdown.
 */
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import { AlertEngine, type AlertLogger } from '../alerts/alert-engine.js';
import { AlertRepo } from '../alerts/alert-repo.js';
import { WebhookDeliverer } from '../alerts/webhook-deliverer.js';
import { AnomalyMonitor } from '../anomalies/anomaly-monitor.js';
import { AnomalyRepo } from '../anomalies/anomaly-repo.js';
import { EventHub } from '../events/event-hub.js';
import { FeedbackRepo } from '../feedback/feedback-repo.js';
import { Analytics } from './analytics.js';
import { systemClock, type Clock } from './clock.js';
import { PeriodicTask } from './scheduler.js';

/** A logger for observability (a pino logger fits). */
export interface ObservabilityLogger extends AlertLogger {
  error(obj: object, msg: string): void;
}

/** Options of {@link createObservability}. */
export interface ObservabilityOptions {
  store: Store;
  /** The current spec (a getter, so `daca apply` changes take effect). */
  spec: () => Spec;
  /** Makes buffered usage visible before analytics read it (the usage recorder's flush). */
  flush?: () => Promise<void>;
  logger?: ObservabilityLogger;
  clock?: Clock;
  /** An existing hub (default: a new one). */
  hub?: EventHub;
  /** Bound on usage rows per analytics window. */
  maxRows?: number;
  /** Webhook retry timing (tests shorten it). */
  webhookBaseDelayMs?: number;
}

/** The observability services of one node. */
export interface Observability {
  hub: EventHub;
  analytics: Analytics;
  feedback: FeedbackRepo;
  anomalies: AnomalyMonitor;
  anomalyRepo: AnomalyRepo;
  alerts: AlertEngine;
  deliverer: WebhookDeliverer;
  /** Starts the detection and evaluation schedules (intervals from the spec). */
  start(): void;
  /** Stops the schedules, stops webhook retries and closes live streams. */
  close(): Promise<void>;
}

/**
 * Builds the observability services.
 *
 * @example
 * ```ts
 * const obs = createObservability({ store, spec: () => loaded.spec, flush: () => recorder.flush(), logger });
 * obs.start();
 * ```
 */
export function createObservability(opts: ObservabilityOptions): Observability {
  const clock = opts.clock ?? systemClock;
  const hub = opts.hub ?? new EventHub();
  const logError = (err: unknown, msg: string): void => opts.logger?.error({ err }, msg);
  const feedback = new FeedbackRepo(opts.store);
  const analytics = new Analytics({ store: opts.store, spec: opts.spec, feedback, ...(opts.flush ? { flush: opts.flush } : {}), ...(opts.maxRows ? { maxRows: opts.maxRows } : {}) });
  const anomalyRepo = new AnomalyRepo(opts.store);
  const anomalies = new AnomalyMonitor({
    analytics, repo: anomalyRepo, clock, config: () => opts.spec().anomalies,
    publish: (t, a) => hub.publish(t, a),
    onDetected: (a) => opts.logger?.warn({ anomaly: { id: a.id, agent: a.agent, metric: a.metric, value: a.value, peer_median: a.peer_median } }, `anomaly: agent '${a.agent}' ${a.metric} ${a.value} vs peer median ${a.peer_median}`),
  });
  const alertRepo = new AlertRepo(opts.store);
  const deliverer = new WebhookDeliverer({
    repo: alertRepo, clock, webhooks: () => opts.spec().alerts.webhooks,
    ...(opts.webhookBaseDelayMs !== undefined ? { baseDelayMs: opts.webhookBaseDelayMs } : {}),
    onError: (err, d) => opts.logger?.error({ err, delivery: { id: d.id, target: d.target, attempts: d.attempts } }, 'alert webhook delivery failed'),
  });
  const alerts = new AlertEngine({
    analytics, repo: alertRepo, clock, config: () => opts.spec().alerts, anomalies: () => anomalies.active(), deliverer,
    publish: (t, a) => hub.publish(t, a), ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const detect = new PeriodicTask({ clock, intervalMs: opts.spec().anomalies.interval, tick: async () => void (await anomalies.tick()), onError: (e) => logError(e, 'anomaly detection failed') });
  const evaluate = new PeriodicTask({ clock, intervalMs: opts.spec().alerts.interval, tick: () => alerts.evaluate(), onError: (e) => logError(e, 'alert evaluation failed') });
  return {
    hub, analytics, feedback, anomalies, anomalyRepo, alerts, deliverer,
    start() {
      if (opts.spec().anomalies.enabled) detect.start();
      evaluate.start();
    },
    async close() {
      await Promise.all([detect.stop(), evaluate.stop()]);
      await deliverer.close();
      hub.close();
    },
  };
}
