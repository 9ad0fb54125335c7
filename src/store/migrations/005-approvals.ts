/**
 * Migration 005: the `approvals` table — human approvals of gateway requests and tool calls.
 * Dialect-neutral column types only (JSON as text, ms timestamps and micro-dollars as bigint).
 */
import type { Kysely } from 'kysely';

/** Creates the `approvals` table and its indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('session', 'text')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('estimated_cost_micros', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .addColumn('decided_key', 'text')
    .addColumn('note', 'text')
    .addColumn('modifications', 'text')
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('approvals_status_expires_idx').ifNotExists().on('approvals').columns(['status', 'expires_at']).execute();
  await db.schema.createIndex('approvals_created_idx').ifNotExists().on('approvals').column('created_at').execute();
}

/** Drops the `approvals` table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approvals').ifExists().execute();
}
