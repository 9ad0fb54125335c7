/**
 * Migration 004: budget counters, node budget leases, and suspensions (the kill switch).
 *
 * - `budget_usage`: one row per budget counter (scope, subject, window, window start). `spent` and
 *   `reserved` are integer micro-dollars; a reservation is a conditional update of `reserved`, so
 *   the database is the arbiter between nodes.
 * - `budget_leases`: budget reserved by one node for one counter (reserved in `budget_usage`),
 *   spent locally and written back; an expired lease (crashed node) is swept and its amount freed.
 * - `suspensions`: suspended keys, agents, teams and tenants.
 *
 * Dialect-neutral column types only (SQLite and PostgreSQL).
 */
import type { Kysely } from 'kysely';

/** Creates the budget and suspension tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('budget_usage')
    .ifNotExists()
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('window_kind', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('spent_micros', 'bigint', (c) => c.notNull())
    .addColumn('reserved_micros', 'bigint', (c) => c.notNull())
    .addColumn('limit_micros', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_usage_pk', ['scope', 'subject', 'window_kind', 'window_start'])
    .execute();

  await db.schema
    .createTable('budget_leases')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('window_kind', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('amount_micros', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('budget_leases_expires_idx').ifNotExists().on('budget_leases').column('expires_at').execute();

  await db.schema
    .createTable('suspensions')
    .ifNotExists()
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('suspensions_pk', ['kind', 'subject'])
    .execute();
}

/** Drops the budget and suspension tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['suspensions', 'budget_leases', 'budget_usage']) await db.schema.dropTable(t).ifExists().execute();
}
