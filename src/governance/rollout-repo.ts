/**
 * Rollouts' storage: the rollouts, their events (the history `daca rollout history` prints), which
 * arm served each request, and graded samples; plus the per-request facts the analysis reads
 * (rollout assignments joined with usage events, graded samples and feedback).
 */
import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from '../store/db-schema.js';
import type { Store } from '../store/types.js';
import { newId } from './registry-repo.js';
import type { GovernanceTables, RolloutsTable } from './tables.js';
import type { Arm, GateRecord, Rollout, RolloutAnalysis, RolloutEvent, RolloutStatus, RolloutUnit } from './types.js';

/** One request of a rollout as the analysis sees it. */
export interface RolloutSample {
  requestId: string;
  arm: Arm;
  ts: number;
  status: number;
  errorCode: string | null;
  costMicros: number;
  latencyMs: number;
  /** Graded verdict (1/0) of a sampled request, else null. */
  graded: number | null;
  /** Mean feedback score on the request, else null. */
  feedback: number | null;
}

/** One arm assignment to write. */
export interface Assignment {
  requestId: string;
  rolloutId: string;
  arm: Arm;
  ts: number;
}

/** One graded sample to write. */
export interface Grade extends Assignment {
  passed: boolean;
  score: number;
}

function rolloutOf(r: RolloutsTable): Rollout {
  return {
    id: r.id, scope: r.scope, fromVersion: r.from_version, toVersion: r.to_version, canaryPct: Number(r.canary_pct), by: r.unit as RolloutUnit,
    salt: Number(r.salt), startedAt: Number(r.started_at), endsAt: Number(r.ends_at), status: r.status as RolloutStatus, promoteIf: r.promote_if,
    rollbackIf: r.rollback_if, gateSuite: r.gate_suite, gate: r.gate ? (JSON.parse(r.gate) as GateRecord) : null, decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    reason: r.reason, analysis: r.analysis ? (JSON.parse(r.analysis) as RolloutAnalysis) : null, actor: r.actor,
  };
}

/** Rollouts, events, assignments and grades. */
export class RolloutRepo {
  private readonly db: Kysely<StoreDatabase & GovernanceTables>;

  constructor(private readonly store: Pick<Store, 'db' | 'kind'>) {
    this.db = store.db.withTables<GovernanceTables>();
  }

  /** Inserts a rollout. */
  async insert(r: Rollout): Promise<void> {
    await this.db
      .insertInto('rollouts')
      .values({
        id: r.id, scope: r.scope, from_version: r.fromVersion, to_version: r.toVersion, canary_pct: r.canaryPct, unit: r.by, salt: r.salt,
        started_at: r.startedAt, ends_at: r.endsAt, status: r.status, promote_if: r.promoteIf, rollback_if: r.rollbackIf, gate_suite: r.gateSuite,
        gate: r.gate ? JSON.stringify(r.gate) : null, decided_at: r.decidedAt, reason: r.reason, analysis: r.analysis ? JSON.stringify(r.analysis) : null, actor: r.actor,
      })
      .execute();
  }

  /**
   * Ends a running rollout; false when it was not running any more (another node or request
   * decided first), so each rollout is decided exactly once.
   */
  async decide(id: string, status: Exclude<RolloutStatus, 'running'>, at: number, reason: string): Promise<boolean> {
    const r = await this.db.updateTable('rollouts').set({ status, decided_at: at, reason }).where('id', '=', id).where('status', '=', 'running').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Stores the latest analysis of a rollout. */
  async saveAnalysis(id: string, a: RolloutAnalysis): Promise<void> {
    await this.db.updateTable('rollouts').set({ analysis: JSON.stringify(a) }).where('id', '=', id).execute();
  }

  /** One rollout. */
  async get(id: string): Promise<Rollout | undefined> {
    const r = await this.db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? rolloutOf(r) : undefined;
  }

  /** Rollouts, newest first. */
  async list(q: { status?: RolloutStatus; scope?: string; limit?: number } = {}): Promise<Rollout[]> {
    let sel = this.db.selectFrom('rollouts').selectAll();
    if (q.status) sel = sel.where('status', '=', q.status);
    if (q.scope) sel = sel.where('scope', '=', q.scope);
    const rows = await sel.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(q.limit ?? 200).execute();
    return rows.map(rolloutOf);
  }

  /** Appends an event. */
  async addEvent(e: Omit<RolloutEvent, 'id'>): Promise<RolloutEvent> {
    const ev = { ...e, id: newId('rev', e.ts) };
    await this.db.insertInto('rollout_events').values({ id: ev.id, rollout_id: e.rolloutId, ts: e.ts, kind: e.kind, actor: e.actor, summary: e.summary, detail: JSON.stringify(e.detail) }).execute();
    return ev;
  }

  /** Events, oldest first (of one rollout, or of several). */
  async events(rolloutIds: readonly string[]): Promise<RolloutEvent[]> {
    if (rolloutIds.length === 0) return [];
    const rows = await this.db.selectFrom('rollout_events').selectAll().where('rollout_id', 'in', rolloutIds).orderBy('ts').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, rolloutId: r.rollout_id, ts: Number(r.ts), kind: r.kind as RolloutEvent['kind'], actor: r.actor, summary: r.summary, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  /** Writes arm assignments (ignoring ones already written). */
  async insertAssignments(rows: readonly Assignment[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500).map((a) => ({ request_id: a.requestId, rollout_id: a.rolloutId, arm: a.arm, ts: a.ts }));
      await this.db.insertInto('rollout_assignments').values(chunk).onConflict((oc) => oc.column('request_id').doNothing()).execute();
    }
  }

  /** Writes graded samples (ignoring ones already written). */
  async insertGrades(rows: readonly Grade[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500).map((g) => ({ request_id: g.requestId, rollout_id: g.rolloutId, arm: g.arm, passed: g.passed ? 1 : 0, score: g.score, ts: g.ts }));
      await this.db.insertInto('rollout_grades').values(chunk).onConflict((oc) => oc.column('request_id').doNothing()).execute();
    }
  }

  /** Arm of a request, if it was part of a rollout. */
  async armOf(requestId: string): Promise<{ rolloutId: string; arm: Arm } | undefined> {
    const r = await this.db.selectFrom('rollout_assignments').select(['rollout_id', 'arm']).where('request_id', '=', requestId).executeTakeFirst();
    return r ? { rolloutId: r.rollout_id, arm: r.arm as Arm } : undefined;
  }

  /**
   * The requests of a rollout with their outcome, graded verdict and feedback (newest `limit`).
   * Requests whose usage event is not written yet are left out.
   */
  async samples(rolloutId: string, limit = 50_000): Promise<RolloutSample[]> {
    const db = this.store.db.withTables<GovernanceTables & { feedback: { request_id: string | null; score: number } }>();
    const rows = await db
      .selectFrom('rollout_assignments as a')
      .innerJoin('usage_events as u', 'u.id', 'a.request_id')
      .leftJoin('rollout_grades as g', 'g.request_id', 'a.request_id')
      .select(['a.request_id', 'a.arm', 'u.ts', 'u.status', 'u.error_code', 'u.cost_micros', 'u.latency_ms', 'g.passed'])
      .select((eb) =>
        eb.selectFrom('feedback as f').select(sql<number | null>`avg(f.score)`.as('s')).whereRef('f.request_id', '=', 'a.request_id').as('feedback'),
      )
      .where('a.rollout_id', '=', rolloutId)
      .orderBy('a.ts', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      requestId: r.request_id, arm: r.arm as Arm, ts: Number(r.ts), status: Number(r.status), errorCode: r.error_code, costMicros: Number(r.cost_micros),
      latencyMs: Number(r.latency_ms), graded: r.passed === null || r.passed === undefined ? null : Number(r.passed), feedback: r.feedback === null || r.feedback === undefined ? null : Number(r.feedback),
    }));
  }
}
