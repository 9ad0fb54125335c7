/**
 * Delivers alert events to webhooks: a signed JSON POST per event and target, retried with
 * exponential backoff and jitter on failure (non-2xx or a network error), each attempt's outcome
 * recorded in `alert_deliveries`. Runs off the evaluation path; failures never throw.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../analytics/clock.js';
import type { AlertRepo, AlertState, DeliveryRecord } from './alert-repo.js';
import type { WebhookSpec } from './alert-spec.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';

/** Options of a {@link WebhookDeliverer}. */
export interface WebhookDelivererOptions {
  repo: AlertRepo;
  clock: Clock;
  /** The current webhooks by name. */
  webhooks: () => Readonly<Record<string, WebhookSpec>>;
  /** First retry delay (default 1 s); doubles per attempt up to `maxDelayMs` (default 5 min). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  onError?: (err: unknown, d: DeliveryRecord) => void;
}

/** The JSON body a webhook receives. */
export interface WebhookPayload {
  type: 'alert';
  /** `firing` or `resolved`. */
  event: AlertState;
  delivery_id: string;
  sent_at: string;
  alert: unknown;
}

/**
 * The delay before retry `attempt` (1-based): exponential with "equal jitter" — half fixed, half
 * random — so many retries do not arrive together.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Sends alert events to webhooks; see the module comment. */
export class WebhookDeliverer {
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;
  private wake: () => void = () => {};
  private readonly closedSignal = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(private readonly opts: WebhookDelivererOptions) {}

  /** Starts delivering one alert event to each named target (unknown names are skipped). */
  deliver(alertId: string, event: AlertState, alert: unknown, targets: readonly string[]): void {
    for (const target of targets) {
      const hook = this.opts.webhooks()[target];
      if (!hook || this.closed) continue;
      const p = this.run(alertId, event, alert, target, hook).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  /** Deliveries still running (including ones waiting to retry). */
  get pending(): number {
    return this.inflight.size;
  }

  /** Resolves when every running delivery has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Stops retrying; deliveries waiting for a retry end as they are. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.idle();
  }

  private async run(alertId: string, event: AlertState, alert: unknown, target: string, hook: WebhookSpec): Promise<void> {
    const { clock, repo } = this.opts;
    const d: DeliveryRecord = { id: `dlv_${randomBytes(10).toString('hex')}`, alertId, event, target, status: 'pending', attempts: 0, lastError: null, updatedAt: clock.now() };
    const save = () => repo.saveDelivery(d).catch((e: unknown) => this.opts.onError?.(e, d));
    await save();
    const payload: WebhookPayload = { type: 'alert', event, delivery_id: d.id, sent_at: new Date(clock.now()).toISOString(), alert };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'daca-alerts', 'x-daca-event': `alert.${event}`, 'x-daca-delivery': d.id, ...hook.headers };
    if (hook.secret) headers[SIGNATURE_HEADER] = signBody(body, hook.secret);
    for (;;) {
      d.attempts++;
      try {
        const res = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(hook.timeout) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          d.status = 'delivered';
          d.lastError = null;
        } else d.lastError = `HTTP ${res.status}`;
      } catch (e) {
        d.lastError = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      }
      d.updatedAt = clock.now();
      const last = d.status === 'delivered' || d.attempts >= hook.max_attempts || this.closed;
      if (d.status !== 'delivered') d.status = last ? 'failed' : 'retrying';
      await save();
      if (last) {
        if (d.status === 'failed') this.opts.onError?.(new Error(`webhook '${target}' failed after ${d.attempts} attempts: ${d.lastError}`), d);
        return;
      }
      const delay = backoffDelay(d.attempts, this.opts.baseDelayMs ?? 1_000, this.opts.maxDelayMs ?? 300_000, this.opts.random ?? Math.random);
      await Promise.race([clock.sleep(delay), this.closedSignal]);
      if (this.closed) {
        d.status = 'failed';
        d.lastError = `${d.lastError}; stopped retrying at shutdown`;
        await save();
        return;
      }
    }
  }
}
