/**
 * Migration 006: eval results — `eval_runs` (one row per run: suite, agent, model and prompt
 * versions, seed) and `eval_trials` (one row per finished trial; the full result as JSON text).
 * Dialect-neutral column types only, so the same code runs on SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';

/** Creates the eval tables and their indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('eval_runs')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('suite', 'text', (c) => c.notNull())
    .addColumn('suite_hash', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('agent_kind', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('seed', 'bigint', (c) => c.notNull())
    .addColumn('trials', 'integer', (c) => c.notNull())
    .addColumn('personas', 'text', (c) => c.notNull())
    .addColumn('cases', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('eval_runs_suite_started_idx').ifNotExists().on('eval_runs').columns(['suite', 'started_at']).execute();

  await db.schema
    .createTable('eval_trials')
    .ifNotExists()
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('persona', 'text', (c) => c.notNull())
    .addColumn('trial', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('completed', 'integer', (c) => c.notNull())
    .addColumn('cost_micros', 'bigint', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('eval_trials_pk', ['run_id', 'key'])
    .execute();
}

/** Drops the eval tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['eval_trials', 'eval_runs']) await db.schema.dropTable(t).ifExists().execute();
}
