/**
 * The budget ledger: the database as the arbiter of budget counters shared by every node.
 *
 * A node never spends from a counter without first holding a *lease* on it: an amount added to
 * the counter's `reserved_micros` by one conditional upsert
 * (`… DO UPDATE SET reserved = reserved + x WHERE spent + reserved + x <= limit`), inside the same
 * transaction that records the lease row. Spend is written back later (`spent += s`,
 * `reserved -= s`), and a lease whose node stopped renewing it expires and is swept, freeing its
 * amount. Row order inside every transaction is lease first, then counter, so concurrent
 * transactions never deadlock. The same SQL runs on SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Store } from '../../store/types.js';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { BudgetTables } from './budget-tables.js';

type StoreDatabaseWith = StoreDatabase & BudgetTables;

/** One budget counter: a scope's subject within one window. */
export interface CounterRef {
  scope: string;
  subject: string;
  window: string;
  windowStart: number;
  /** Hard limit in micro-dollars (`Number.MAX_SAFE_INTEGER` when the budget only alerts). */
  limitMicros: number;
}

/** A counter's totals as stored. */
export interface CounterTotals {
  spentMicros: number;
  reservedMicros: number;
}

/** A stored counter row, for listings. */
export interface CounterRow extends CounterTotals {
  scope: string;
  subject: string;
  window: string;
  windowStart: number;
  limitMicros: number;
  updatedAt: number;
}

/** The outcome of {@link BudgetLedger.grow}. */
export type GrowResult = ({ ok: true; leaseMicros: number } | { ok: false }) & CounterTotals;

class Exhausted extends Error {}

/** Budget counters and node leases over the store's Kysely handle. */
export class BudgetLedger {
  private readonly db: Kysely<StoreDatabaseWith>;

  constructor(store: Store) {
    this.db = store.db.withTables<BudgetTables>();
  }

  /**
   * Adds `amount` to the lease `leaseId` on counter `c` if the counter stays within its limit.
   * Returns the lease's new amount (or `ok: false` and the counter's totals when it would not fit).
   */
  async grow(c: CounterRef, leaseId: string, amount: number, expiresAt: number, now: number): Promise<GrowResult> {
    if (amount > c.limitMicros) return { ok: false, ...(await this.totals(c)) };
    try {
      return await this.db.transaction().execute(async (trx) => {
        const lease = await trx
          .insertInto('budget_leases')
          .values({ id: leaseId, scope: c.scope, subject: c.subject, window_kind: c.window, window_start: c.windowStart, amount_micros: amount, expires_at: expiresAt })
          .onConflict((oc) => oc.column('id').doUpdateSet({ amount_micros: sql`budget_leases.amount_micros + excluded.amount_micros`, expires_at: sql`excluded.expires_at` }))
          .returning('amount_micros')
          .executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('budget_usage')
          .values({ scope: c.scope, subject: c.subject, window_kind: c.window, window_start: c.windowStart, spent_micros: 0, reserved_micros: amount, limit_micros: c.limitMicros, updated_at: now })
          .onConflict((oc) =>
            oc
              .columns(['scope', 'subject', 'window_kind', 'window_start'])
              .doUpdateSet({ reserved_micros: sql`budget_usage.reserved_micros + excluded.reserved_micros`, limit_micros: sql`excluded.limit_micros`, updated_at: sql`excluded.updated_at` })
              .where(sql<boolean>`budget_usage.spent_micros + budget_usage.reserved_micros + excluded.reserved_micros <= excluded.limit_micros`),
          )
          .returning(['spent_micros', 'reserved_micros'])
          .executeTakeFirst();
        if (row === undefined) throw new Exhausted();
        return { ok: true as const, leaseMicros: Number(lease.amount_micros), spentMicros: Number(row.spent_micros), reservedMicros: Number(row.reserved_micros) };
      });
    } catch (e) {
      if (!(e instanceof Exhausted)) throw e;
      return { ok: false, ...(await this.totals(c)) };
    }
  }

  /**
   * Writes spend back and shrinks the lease: `spent += spentDelta`, and when the lease still
   * exists `reserved -= leaseDecrease` (a swept lease's amount was already freed). Renews the
   * lease to `expiresAt`, or deletes it when `drop` is set. Returns the lease's remaining amount
   * (0 when it was gone) and the counter's totals.
   */
  async writeBack(
    c: CounterRef,
    leaseId: string,
    spentDelta: number,
    leaseDecrease: number,
    expiresAt: number,
    now: number,
    drop: boolean,
  ): Promise<CounterTotals & { leaseMicros: number; leaseFound: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const lease = await trx
        .updateTable('budget_leases')
        .set({ amount_micros: sql`amount_micros - ${leaseDecrease}`, expires_at: expiresAt })
        .where('id', '=', leaseId)
        .returning('amount_micros')
        .executeTakeFirst();
      const freed = lease === undefined ? 0 : leaseDecrease;
      const row = await trx
        .insertInto('budget_usage')
        .values({ scope: c.scope, subject: c.subject, window_kind: c.window, window_start: c.windowStart, spent_micros: spentDelta, reserved_micros: 0, limit_micros: c.limitMicros, updated_at: now })
        .onConflict((oc) =>
          oc.columns(['scope', 'subject', 'window_kind', 'window_start']).doUpdateSet({
            spent_micros: sql`budget_usage.spent_micros + ${spentDelta}`,
            reserved_micros: sql`budget_usage.reserved_micros - ${freed}`,
            updated_at: now,
          }),
        )
        .returning(['spent_micros', 'reserved_micros'])
        .executeTakeFirstOrThrow();
      const left = lease === undefined ? 0 : Number(lease.amount_micros);
      if (lease !== undefined && drop) {
        await trx.deleteFrom('budget_leases').where('id', '=', leaseId).execute();
        if (left !== 0)
          await trx
            .updateTable('budget_usage')
            .set({ reserved_micros: sql`reserved_micros - ${left}` })
            .where('scope', '=', c.scope).where('subject', '=', c.subject).where('window_kind', '=', c.window).where('window_start', '=', c.windowStart)
            .execute();
      }
      return { spentMicros: Number(row.spent_micros), reservedMicros: Number(row.reserved_micros) - (drop ? left : 0), leaseMicros: drop ? 0 : left, leaseFound: lease !== undefined };
    });
  }

  /**
   * Frees every lease that expired before `now` (its node crashed or stalled). Safe from several
   * nodes at once: a lease is freed by whoever deletes it. Returns the number of leases freed.
   */
  async sweep(now: number, only?: CounterRef): Promise<number> {
    let q = this.db.selectFrom('budget_leases').select('id').where('expires_at', '<', now);
    if (only) q = q.where('scope', '=', only.scope).where('subject', '=', only.subject).where('window_kind', '=', only.window).where('window_start', '=', only.windowStart);
    const expired = await q.limit(1000).execute();
    let freed = 0;
    for (const { id } of expired) {
      const done = await this.db.transaction().execute(async (trx) => {
        const gone = await trx.deleteFrom('budget_leases').where('id', '=', id).where('expires_at', '<', now).returningAll().executeTakeFirst();
        if (gone === undefined) return false;
        await trx
          .updateTable('budget_usage')
          .set({ reserved_micros: sql`reserved_micros - ${Number(gone.amount_micros)}` })
          .where('scope', '=', gone.scope).where('subject', '=', gone.subject).where('window_kind', '=', gone.window_kind).where('window_start', '=', gone.window_start)
          .execute();
        return true;
      });
      if (done) freed++;
    }
    return freed;
  }

  /** The stored totals of one counter (zeros when it has no row yet). */
  async totals(c: Omit<CounterRef, 'limitMicros'>): Promise<CounterTotals> {
    const r = await this.db
      .selectFrom('budget_usage')
      .select(['spent_micros', 'reserved_micros'])
      .where('scope', '=', c.scope).where('subject', '=', c.subject).where('window_kind', '=', c.window).where('window_start', '=', c.windowStart)
      .executeTakeFirst();
    return { spentMicros: Number(r?.spent_micros ?? 0), reservedMicros: Number(r?.reserved_micros ?? 0) };
  }

  /** Stored counters, newest window first, optionally filtered. */
  async list(filter: { scope?: string; subject?: string; window?: string; limit?: number } = {}): Promise<CounterRow[]> {
    let q = this.db.selectFrom('budget_usage').selectAll();
    if (filter.scope) q = q.where('scope', '=', filter.scope);
    if (filter.subject) q = q.where('subject', '=', filter.subject);
    if (filter.window) q = q.where('window_kind', '=', filter.window);
    const rows = await q.orderBy('window_start', 'desc').orderBy('scope').orderBy('subject').limit(filter.limit ?? 500).execute();
    return rows.map((r) => ({
      scope: r.scope, subject: r.subject, window: r.window_kind, windowStart: Number(r.window_start),
      spentMicros: Number(r.spent_micros), reservedMicros: Number(r.reserved_micros), limitMicros: Number(r.limit_micros), updatedAt: Number(r.updated_at),
    }));
  }
}
