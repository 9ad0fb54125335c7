/**
 * The JSON shape of an alert (docs/api-observability.md), as the API, webhooks and the event
 * stream show it.
 */
import type { AlertRecord, DeliveryRecord } from './alert-repo.js';

/** One delivery of an alert event. */
export interface DeliveryView {
  target: string;
  event: string;
  status: string;
  attempts: number;
  last_error: string | null;
  updated_at: string;
}

/** An alert. */
export interface AlertView {
  id: string;
  rule: string;
  severity: string;
  state: 'firing' | 'resolved';
  subject: { kind: AlertRecord['subjectKind']; id: string };
  value: number | null;
  threshold: number | null;
  message: string;
  started_at: string;
  resolved_at: string | null;
  last_evaluated_at: string;
  deliveries: DeliveryView[];
}

/** Stored alert (+ its deliveries) → JSON view. */
export function alertView(a: AlertRecord, deliveries: readonly DeliveryRecord[] = []): AlertView {
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    state: a.state,
    subject: { kind: a.subjectKind, id: a.subjectId },
    value: a.value,
    threshold: a.threshold,
    message: a.message,
    started_at: new Date(a.startedAt).toISOString(),
    resolved_at: a.resolvedAt === null ? null : new Date(a.resolvedAt).toISOString(),
    last_evaluated_at: new Date(a.lastEvaluatedAt).toISOString(),
    deliveries: deliveries.map((d) => ({ target: d.target, event: d.event, status: d.status, attempts: d.attempts, last_error: d.lastError, updated_at: new Date(d.updatedAt).toISOString() })),
  };
}
