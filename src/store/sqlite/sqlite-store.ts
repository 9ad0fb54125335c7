/**
 * The embedded SQLite store (better-sqlite3 + Kysely). WAL journal, `synchronous=NORMAL`, and a
 * bulk usage insert that runs one prepared statement inside one transaction on the raw handle.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { UsageRecord } from '../../metering/usage-record.js';
import type { StoreDatabase } from '../db-schema.js';
import { KyselyKeyRepo } from '../key-repo.js';
import { migrateToLatest } from '../migrations/index.js';
import { beginImmediate } from './begin-immediate.js';
import { prepareUsageInsert } from './usage-insert.js';
import { startUsageWriter, type UsageWriter } from './usage-writer.js';
import type { Store } from '../types.js';
import { KyselyUsageRepo } from '../usage-repo.js';
import { sqliteUsageSql } from '../usage-sql.js';

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const BUSY_TIMEOUT_MS = 5000;


/**
 * Runs the migrations inside one immediate transaction, so several stores (or processes) opening
 * the same file at once queue on SQLite's write lock instead of racing.
 */
function migrateSqlite(db: Kysely<StoreDatabase>, handle: Database.Database): Promise<void> {
  return db.connection().execute(async (conn) => {
    await beginImmediate({ exec: (q) => handle.exec(q), busyTimeout: () => handle.pragma('busy_timeout', { simple: true }) as number }, BUSY_TIMEOUT_MS * 2);
    try {
      await migrateToLatest(conn as unknown as Kysely<unknown>, { disableTransactions: true });
      handle.exec('COMMIT');
    } catch (e) {
      if (handle.inTransaction) handle.exec('ROLLBACK');
      throw e;
    }
  });
}

/**
 * Opens (creating if needed) a SQLite store and runs pending migrations. `:memory:` gives a
 * private in-memory database.
 *
 * @param file - database file path; its parent folder is created.
 * @example
 * ```ts
 * const store = await openSqliteStore('.daca/daca.db');
 * await store.usage.insertBatch(records);
 * ```
 */
export async function openSqliteStore(file: string): Promise<Store> {
  const memory = file === ':memory:' || file === '';
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const handle = new Database(memory ? ':memory:' : file);
  // 16 KiB pages for a new file (an existing file keeps its size): the audit ledger's worker spends
  // ~40% less time per record than with the 4 KiB default (fewer B-tree pages, splits and WAL
  // frames); figures in docs/compliance.md.
  // Erasure does not rely on the page layout: see compliance/sqlite-key-erasure.ts.
  if (!memory) handle.pragma('page_size = 16384');
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  handle.pragma('foreign_keys = ON');

  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: handle }) });

  // Prepared lazily: the table exists only after the first migration.
  // A single-row prepared statement in one transaction measured as fast as multi-row VALUES here.
  let insertAll: ((rows: readonly UsageRecord[]) => number) | undefined;
  // File databases write usage on a worker thread (its own connection) once migrated; see usage-writer.ts.
  let writer: UsageWriter | null | undefined = memory ? null : undefined;
  // Take Kysely's connection mutex so an in-thread bulk insert never lands inside a Kysely transaction.
  const bulkInsert = (rows: readonly UsageRecord[]): Promise<number> => {
    if (writer === undefined) writer = startUsageWriter(file, BUSY_TIMEOUT_MS);
    if (writer) return writer.insert(rows);
    return db.connection().execute(async () => (insertAll ??= prepareUsageInsert(handle))(rows));
  };

  const store: Store = {
    kind: 'sqlite',
    db,
    keys: new KyselyKeyRepo(db, isUniqueViolation),
    usage: new KyselyUsageRepo(db, sqliteUsageSql, bulkInsert),
    migrate: () => migrateSqlite(db, handle),
    close: async () => {
      if (writer) await writer.close();
      await db.destroy();
    },
  };
  try {
    await store.migrate();
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return store;
}
