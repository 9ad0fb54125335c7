/**
 * Migration 001: the `keys` and `usage_events` tables. Dialect-neutral column types only
 * (text, integer, bigint, double precision) so the same code runs on SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';

/** Creates `keys` and `usage_events` with their indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('keys')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('agent', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('models', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('keys_tenant_team_idx').ifNotExists().on('keys').columns(['tenant', 'team']).execute();

  await db.schema
    .createTable('usage_events')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('session', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('requested_model', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('upstream_model', 'text', (c) => c.notNull())
    .addColumn('stream', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cached_tokens', 'integer', (c) => c.notNull())
    .addColumn('estimated', 'integer', (c) => c.notNull())
    // Durations may be fractional (overhead is sub-millisecond), hence double precision.
    .addColumn('ttft_ms', 'double precision')
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addColumn('upstream_ms', 'double precision', (c) => c.notNull())
    .addColumn('overhead_ms', 'double precision', (c) => c.notNull())
    .addColumn('cost_micros', 'bigint', (c) => c.notNull())
    .addColumn('finish_reason', 'text')
    .addColumn('cache', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_events_ts_idx').ifNotExists().on('usage_events').column('ts').execute();
  await db.schema.createIndex('usage_events_tenant_ts_idx').ifNotExists().on('usage_events').columns(['tenant', 'ts']).execute();
  await db.schema.createIndex('usage_events_agent_ts_idx').ifNotExists().on('usage_events').columns(['agent', 'ts']).execute();
  await db.schema.createIndex('usage_events_session_idx').ifNotExists().on('usage_events').column('session').execute();
}

/** Drops both tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_events').ifExists().execute();
  await db.schema.dropTable('keys').ifExists().execute();
}
