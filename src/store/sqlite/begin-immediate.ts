/**
 * Taking SQLite's write lock with `BEGIN IMMEDIATE`, retried asynchronously on `SQLITE_BUSY`: a
 * synchronous busy_timeout would block the event loop, and with it any other handle in this
 * process that holds the lock and waits to commit. Used on the store's raw better-sqlite3 handle
 * (migrations) and through Kysely (`writeTransaction`).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** A connection to take the lock on. */
export interface ImmediateLockTarget {
  /** Runs one statement. */
  exec(statement: string): unknown;
  /** The connection's `busy_timeout` (ms). */
  busyTimeout(): number | Promise<number>;
}

/**
 * Begins an immediate transaction, retrying the lock for up to `timeoutMs`; the connection's
 * busy_timeout is restored afterwards. Throws the last `SQLITE_BUSY` after the deadline, and any
 * other error at once.
 */
export async function beginImmediate(target: ImmediateLockTarget, timeoutMs: number): Promise<void> {
  const before = await target.busyTimeout();
  await target.exec('PRAGMA busy_timeout = 0');
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await target.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
        await sleep(2 + Math.random() * 10);
      }
    }
  } finally {
    await target.exec(`PRAGMA busy_timeout = ${Number(before)}`);
  }
}
