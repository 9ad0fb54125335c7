/**
 * Approvals storage over the store's Kysely handle (the `approvals` table, migration 005); the
 * same queries on SQLite and PostgreSQL. State changes are conditional updates, so two nodes can
 * never both decide, or both redeem, one approval.
 */
import type { Insertable, Kysely } from 'kysely';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';
import type { Approval, ApprovalFilter, ApprovalModifications, ApprovalStatus } from './approval-types.js';

/** The `approvals` table. */
export interface ApprovalsTable {
  id: string;
  status: string;
  stage: string;
  rule: string;
  reason: string;
  key_id: string;
  tenant: string;
  team: string;
  agent: string;
  session: string | null;
  model: string;
  request_hash: string;
  /** JSON of the request view. */
  request: string;
  /** JSON of the held ChatResult. */
  result: string | null;
  estimated_cost_micros: number | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null;
  decided_key: string | null;
  note: string | null;
  /** JSON of ApprovalModifications. */
  modifications: string | null;
  consumed_at: number | null;
}

type Row = ApprovalsTable;
const n = (v: unknown): number => Number(v);
const nn = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function fromRow(r: Row): Approval {
  return {
    id: r.id,
    status: r.status as ApprovalStatus,
    stage: r.stage === 'tool_calls' ? 'tool_calls' : 'request',
    ruleId: r.rule,
    reason: r.reason,
    subject: { keyId: r.key_id, tenant: r.tenant, team: r.team, agent: r.agent, session: r.session },
    model: r.model,
    requestHash: r.request_hash,
    request: JSON.parse(r.request) as Approval['request'],
    result: r.result ? (JSON.parse(r.result) as Approval['result']) : null,
    estimatedCostMicros: nn(r.estimated_cost_micros),
    createdAt: n(r.created_at),
    expiresAt: n(r.expires_at),
    decidedAt: nn(r.decided_at),
    decidedBy: r.decided_by,
    decidedKey: r.decided_key,
    note: r.note,
    modifications: r.modifications ? (JSON.parse(r.modifications) as ApprovalModifications) : null,
    consumedAt: nn(r.consumed_at),
  };
}

/** Reads and writes approvals. */
export class ApprovalRepo {
  private readonly db: Kysely<StoreDatabase & { approvals: ApprovalsTable }>;

  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<{ approvals: ApprovalsTable }>();
  }

  /** Inserts a new (pending) approval. */
  async insert(a: Approval): Promise<void> {
    await this.db.insertInto('approvals').values(this.row(a)).execute();
  }

  /** Inserts a new approval unless one with its id exists (on any node); true when inserted. */
  async insertIfAbsent(a: Approval): Promise<boolean> {
    const r = await this.db.insertInto('approvals').values(this.row(a)).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** The row of an approval as stored. */
  private row(a: Approval): Insertable<ApprovalsTable> {
    return {
      id: a.id, status: a.status, stage: a.stage, rule: a.ruleId, reason: a.reason,
      key_id: a.subject.keyId, tenant: a.subject.tenant, team: a.subject.team, agent: a.subject.agent, session: a.subject.session,
      model: a.model, request_hash: a.requestHash, request: JSON.stringify(a.request), result: a.result ? JSON.stringify(a.result) : null,
      estimated_cost_micros: a.estimatedCostMicros, created_at: a.createdAt, expires_at: a.expiresAt,
      decided_at: null, decided_by: null, decided_key: null, note: null, modifications: null, consumed_at: null,
    };
  }

  /** One approval, or undefined. */
  async get(id: string): Promise<Approval | undefined> {
    const r = await this.db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? fromRow(r) : undefined;
  }

  /** Approvals matching a filter, newest first. */
  async list(f: ApprovalFilter = {}): Promise<Approval[]> {
    let q = this.db.selectFrom('approvals').selectAll();
    if (f.status) q = q.where('status', '=', f.status);
    if (f.agent) q = q.where('agent', '=', f.agent);
    if (f.tenant) q = q.where('tenant', '=', f.tenant);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.min(Math.max(f.limit ?? 100, 1), 1000)).execute();
    return rows.map(fromRow);
  }

  /** Decides a pending, unexpired approval; false when it was not pending (or had expired) at `at`. */
  async decide(id: string, status: 'approved' | 'rejected', at: number, by: string, key: string, note: string | null, modifications: ApprovalModifications | null): Promise<boolean> {
    const r = await this.db
      .updateTable('approvals')
      .set({ status, decided_at: at, decided_by: by, decided_key: key, note, modifications: modifications ? JSON.stringify(modifications) : null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Marks an approved approval used; false when it was not approved or already used. */
  async consume(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('approvals')
      .set({ consumed_at: at })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Rejects every pending approval whose expiry is at or before `at`; returns their ids. */
  async expireDue(at: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('approvals')
      .set({ status: 'expired', decided_at: at, decided_by: 'system:expiry', decided_key: null })
      .where('status', '=', 'pending')
      .where('expires_at', '<=', at)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
}
