/**
 * Stored alerts and their webhook deliveries (`alerts`, `alert_deliveries`; migration 002).
 * A partial unique index keeps one firing alert per rule and subject, even across nodes.
 */
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';

/** The `alerts` table. */
export interface AlertsTable {
  id: string;
  rule: string;
  severity: string;
  state: string;
  subject_kind: string;
  subject_id: string;
  value: number | null;
  threshold: number | null;
  message: string;
  started_at: number;
  resolved_at: number | null;
  last_evaluated_at: number;
}

/** The `alert_deliveries` table. */
export interface AlertDeliveriesTable {
  id: string;
  alert_id: string;
  event: string;
  target: string;
  status: string;
  attempts: number;
  last_error: string | null;
  updated_at: number;
}

/** What an alert is about. */
export type SubjectKind = 'agent' | 'team' | 'tenant' | 'budget' | 'anomaly' | 'goal';

/** An alert's state. */
export type AlertState = 'firing' | 'resolved';

/** A stored alert. */
export interface AlertRecord {
  id: string;
  rule: string;
  severity: string;
  state: AlertState;
  subjectKind: SubjectKind;
  subjectId: string;
  value: number | null;
  threshold: number | null;
  message: string;
  startedAt: number;
  resolvedAt: number | null;
  lastEvaluatedAt: number;
}

/** A delivery of one alert event to one target. */
export interface DeliveryRecord {
  id: string;
  alertId: string;
  /** `firing` or `resolved`. */
  event: AlertState;
  /** The webhook's name. */
  target: string;
  /** `pending`, `retrying`, `delivered` or `failed`. */
  status: 'pending' | 'retrying' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  updatedAt: number;
}

type Tables = StoreDatabase & { alerts: AlertsTable; alert_deliveries: AlertDeliveriesTable };

/** Alert storage over the store's Kysely handle. */
export class AlertRepo {
  private readonly db: Kysely<Tables>;

  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<{ alerts: AlertsTable; alert_deliveries: AlertDeliveriesTable }>();
  }

  /** Inserts a firing alert; false when one is already firing for the rule and subject. */
  async insertFiring(a: AlertRecord): Promise<boolean> {
    try {
      await this.db.insertInto('alerts').values(toRow(a)).execute();
      return true;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'))) return false;
      throw e;
    }
  }

  /** Records the latest evaluation of a firing alert. */
  async touch(id: string, value: number | null, at: number): Promise<void> {
    await this.db.updateTable('alerts').set({ value, last_evaluated_at: at }).where('id', '=', id).execute();
  }

  /** Resolves a firing alert. */
  async resolve(id: string, at: number): Promise<void> {
    await this.db.updateTable('alerts').set({ state: 'resolved', resolved_at: at, last_evaluated_at: at }).where('id', '=', id).where('state', '=', 'firing').execute();
  }

  /** Alerts firing now. */
  async firing(): Promise<AlertRecord[]> {
    const rows = await this.db.selectFrom('alerts').selectAll().where('state', '=', 'firing').execute();
    return rows.map(fromRow);
  }

  /** One alert. */
  async get(id: string): Promise<AlertRecord | undefined> {
    const r = await this.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && fromRow(r);
  }

  /** Alert history, newest first. */
  async list(opts: { state?: AlertState; from?: number; rule?: string; limit?: number } = {}): Promise<AlertRecord[]> {
    let q = this.db.selectFrom('alerts').selectAll();
    if (opts.state) q = q.where('state', '=', opts.state);
    if (opts.from !== undefined) q = q.where((eb) => eb.or([eb('started_at', '>=', opts.from!), eb('state', '=', 'firing')]));
    if (opts.rule) q = q.where('rule', '=', opts.rule);
    const rows = await q.orderBy('started_at', 'desc').orderBy('id').limit(Math.min(10_000, opts.limit ?? 500)).execute();
    return rows.map(fromRow);
  }

  /** Records a delivery (insert or update by id). */
  async saveDelivery(d: DeliveryRecord): Promise<void> {
    const row: AlertDeliveriesTable = { id: d.id, alert_id: d.alertId, event: d.event, target: d.target, status: d.status, attempts: d.attempts, last_error: d.lastError, updated_at: d.updatedAt };
    const res = await this.db.updateTable('alert_deliveries').set(row).where('id', '=', d.id).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) await this.db.insertInto('alert_deliveries').values(row).execute();
  }

  /** Deliveries of the given alerts, oldest first. */
  async deliveries(alertIds: readonly string[]): Promise<DeliveryRecord[]> {
    if (alertIds.length === 0) return [];
    const rows = await this.db.selectFrom('alert_deliveries').selectAll().where('alert_id', 'in', alertIds).orderBy('updated_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, alertId: r.alert_id, event: r.event as AlertState, target: r.target, status: r.status as DeliveryRecord['status'],
      attempts: Number(r.attempts), lastError: r.last_error, updatedAt: Number(r.updated_at),
    }));
  }
}

function toRow(a: AlertRecord): AlertsTable {
  return {
    id: a.id, rule: a.rule, severity: a.severity, state: a.state, subject_kind: a.subjectKind, subject_id: a.subjectId, value: a.value,
    threshold: a.threshold, message: a.message, started_at: a.startedAt, resolved_at: a.resolvedAt, last_evaluated_at: a.lastEvaluatedAt,
  };
}

function fromRow(r: AlertsTable): AlertRecord {
  return {
    id: r.id, rule: r.rule, severity: r.severity, state: r.state as AlertState, subjectKind: r.subject_kind as SubjectKind, subjectId: r.subject_id,
    value: r.value === null ? null : Number(r.value), threshold: r.threshold === null ? null : Number(r.threshold), message: r.message,
    startedAt: Number(r.started_at), resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at), lastEvaluatedAt: Number(r.last_evaluated_at),
  };
}
