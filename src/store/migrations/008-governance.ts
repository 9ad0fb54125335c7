/**
 * Migration 008: model governance — the registry (`model_versions`, `model_aliases`,
 * `model_alias_history`), rollouts (`rollouts`, `rollout_events`) and per-request rollout facts
 * (`rollout_assignments`: which arm served a request; `rollout_grades`: graded samples).
 * Dialect-neutral column types only (JSON as text, ms timestamps as bigint).
 */
import type { Kysely } from 'kysely';

/** Creates the governance tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('model_versions')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('upstream', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('prompt_version', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('eval_runs', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('model_aliases')
    .ifNotExists()
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_aliases_pk', ['scope', 'name'])
    .execute();

  await db.schema
    .createTable('model_alias_history')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('previous', 'text')
    .addColumn('rollout_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('model_alias_history_scope_ts_idx').ifNotExists().on('model_alias_history').columns(['scope', 'ts']).execute();

  await db.schema
    .createTable('rollouts')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('from_version', 'text', (c) => c.notNull())
    .addColumn('to_version', 'text', (c) => c.notNull())
    .addColumn('canary_pct', 'double precision', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('salt', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('promote_if', 'text')
    .addColumn('rollback_if', 'text')
    .addColumn('gate_suite', 'text')
    .addColumn('gate', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('analysis', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollouts_scope_started_idx').ifNotExists().on('rollouts').columns(['scope', 'started_at']).execute();

  await db.schema
    .createTable('rollout_events')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rollout_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollout_events_rollout_ts_idx').ifNotExists().on('rollout_events').columns(['rollout_id', 'ts']).execute();

  await db.schema
    .createTable('rollout_assignments')
    .ifNotExists()
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('rollout_id', 'text', (c) => c.notNull())
    .addColumn('arm', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollout_assignments_rollout_idx').ifNotExists().on('rollout_assignments').columns(['rollout_id', 'ts']).execute();

  await db.schema
    .createTable('rollout_grades')
    .ifNotExists()
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('rollout_id', 'text', (c) => c.notNull())
    .addColumn('arm', 'text', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollout_grades_rollout_idx').ifNotExists().on('rollout_grades').columns(['rollout_id']).execute();
}

/** Drops the governance tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['rollout_grades', 'rollout_assignments', 'rollout_events', 'rollouts', 'model_alias_history', 'model_aliases', 'model_versions'])
    await db.schema.dropTable(t).ifExists().execute();
}
