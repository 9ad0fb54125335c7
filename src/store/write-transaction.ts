/**
 * A transaction for read-check-write sections that several stores (nodes, processes, or two
 * `Store` objects in one process) run against the same database.
 *
 * - SQLite: `BEGIN IMMEDIATE` on the store's one connection, so the write lock is held from the
 *   first statement (a deferred `BEGIN` that reads and then writes can fail with
 *   `SQLITE_BUSY_SNAPSHOT` when another connection wrote in between). The lock is retried
 *   asynchronously on `SQLITE_BUSY`: a synchronous busy wait would block the event loop, and with
 *   it any other handle in this process that holds the lock and waits to commit.
 * - PostgreSQL: an ordinary (read committed) transaction; the section serialises itself by
 *   locking a row (`UPDATE … RETURNING`) or an advisory lock as its first statement.
 */
import { sql, type Kysely } from 'kysely';
import { beginImmediate } from './sqlite/begin-immediate.js';
import type { Store } from './types.js';

/** How long SQLite's write lock is retried before the `SQLITE_BUSY` error is thrown. */
const LOCK_TIMEOUT_MS = 10_000;

/**
 * Runs `fn` in a write transaction (commit when it returns, roll back when it throws).
 * @example
 * ```ts
 * await writeTransaction(store, async (tx) => {
 *   const v = await tx.updateTable('orch_books').set({ version: 2 }).where('book', '=', 'spot').returning('version').executeTakeFirst();
 * });
 * ```
 */
export async function writeTransaction<DB, T>(store: { kind: Store['kind']; db: Kysely<DB> }, fn: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (store.kind === 'postgres') return store.db.transaction().execute(fn);
  return store.db.connection().execute(async (conn) => {
    await beginImmediate({ exec: (q) => sql.raw(q).execute(conn), busyTimeout: async () => (await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(conn)).rows[0]?.timeout ?? 5000 }, LOCK_TIMEOUT_MS);
    let result: T;
    try {
      result = await fn(conn);
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw e;
    }
    await sql`COMMIT`.execute(conn);
    return result;
  });
}
