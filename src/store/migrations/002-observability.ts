/**
 * Migration 002: observability tables — `feedback`, `anomalies`, `alerts`, `alert_deliveries`.
 * Dialect-neutral column types only, so the same code runs on SQLite and PostgreSQL. JSON is text.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/** Creates the observability tables and their indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feedback')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('session', 'text')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('comment', 'text')
    .execute();
  await db.schema.createIndex('feedback_agent_ts_idx').ifNotExists().on('feedback').columns(['agent', 'ts']).execute();
  await db.schema.createIndex('feedback_request_idx').ifNotExists().on('feedback').column('request_id').execute();

  await db.schema
    .createTable('anomalies')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('peer_group', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('peer_median', 'double precision', (c) => c.notNull())
    .addColumn('ratio', 'double precision')
    .addColumn('robust_z', 'double precision')
    .addColumn('detected_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('evidence', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('anomalies_last_seen_idx').ifNotExists().on('anomalies').column('last_seen_at').execute();

  await db.schema
    .createTable('alerts')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('threshold', 'double precision')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('last_evaluated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_started_idx').ifNotExists().on('alerts').column('started_at').execute();
  // One firing alert per rule and subject, even with several nodes evaluating.
  await db.schema
    .createIndex('alerts_one_firing_idx')
    .ifNotExists()
    .unique()
    .on('alerts')
    .columns(['rule', 'subject_kind', 'subject_id'])
    .where(sql<boolean>`state = 'firing'`)
    .execute();

  await db.schema
    .createTable('alert_deliveries')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_deliveries_alert_idx').ifNotExists().on('alert_deliveries').column('alert_id').execute();
}

/** Drops the observability tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['alert_deliveries', 'alerts', 'anomalies', 'feedback']) await db.schema.dropTable(t).ifExists().execute();
}
