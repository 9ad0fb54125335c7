/**
 * The PostgreSQL store (pg Pool + Kysely), for scale-out: several daca nodes share one database.
 * Migrations run under a per-schema advisory lock so nodes starting together do not race.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { InvalidRequestError } from '../../errors.js';
import type { UsageRecord } from '../../metering/usage-record.js';
import { USAGE_COLUMNS } from '../db-schema.js';
import type { StoreDatabase } from '../db-schema.js';
import { KyselyKeyRepo } from '../key-repo.js';
import { migrateToLatest } from '../migrations/index.js';
import { usageToValues } from '../rows.js';
import type { Store } from '../types.js';
import { KyselyUsageRepo } from '../usage-repo.js';
import { postgresUsageSql } from '../usage-sql.js';

/** Options for {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Schema holding daca's tables (created if missing); default: the connection's current schema. */
  schema?: string;
  /** Pool size; default 10. */
  maxConnections?: number;
}

/** Rows per INSERT: 31 parameters each stays under PostgreSQL's 65535-parameter limit. */
const ROWS_PER_STATEMENT = 2000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === '23505';
}

function insertSql(rows: number): string {
  const cols = USAGE_COLUMNS.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const ps: string[] = [];
    for (let c = 1; c <= cols; c++) ps.push(`$${r * cols + c}`);
    tuples.push(`(${ps.join(',')})`);
  }
  return `INSERT INTO usage_events (${USAGE_COLUMNS.join(',')}) VALUES ${tuples.join(',')} ON CONFLICT (id) DO NOTHING`;
}

/**
 * Opens a PostgreSQL store and runs pending migrations. int8 and numeric values come back as JS
 * numbers (this pool only; the global `pg` type parsers are untouched).
 *
 * @param url - `postgres://user@host:port/db`.
 * @throws InvalidRequestError for a schema name outside `[a-z_][a-z0-9_]*`.
 * @example
 * ```ts
 * const store = await openPostgresStore('postgres://postgres@127.0.0.1:5432/daca');
 * ```
 */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<Store> {
  const schema = opts.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new InvalidRequestError(`Invalid PostgreSQL schema name '${schema}': use [a-z_][a-z0-9_]*.`, { param: 'schema' });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.maxConnections ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that dies is dropped by the pool; the next query reports the problem.
  pool.on('error', () => undefined);
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });

  const fullChunkSql = insertSql(ROWS_PER_STATEMENT);
  const bulkInsert = async (rows: readonly UsageRecord[]): Promise<number> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      let inserted = 0;
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const n = Math.min(ROWS_PER_STATEMENT, rows.length - i);
        const values: (string | number | null)[] = [];
        for (let j = i; j < i + n; j++) values.push(...usageToValues(rows[j]!));
        const res = await client.query(n === ROWS_PER_STATEMENT ? fullChunkSql : insertSql(n), values);
        inserted += res.rowCount ?? 0;
      }
      await client.query('COMMIT');
      return inserted;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };

  const migrate = async (): Promise<void> => {
    const lockName = `daca:migrate:${schema ?? ''}`;
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
      try {
        if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        const current = await sql<{ s: string | null }>`select current_schema() as s`.execute(db);
        await migrateToLatest(db as unknown as Kysely<unknown>, { migrationTableSchema: schema ?? current.rows[0]?.s ?? 'public' });
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
      }
    } finally {
      client.release();
    }
  };

  const store: Store = {
    kind: 'postgres',
    db,
    keys: new KyselyKeyRepo(db, isUniqueViolation),
    usage: new KyselyUsageRepo(db, postgresUsageSql, bulkInsert),
    migrate,
    close: () => db.destroy(),
  };
  try {
    await migrate();
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return store;
}
