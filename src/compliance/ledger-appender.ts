/**
 * The one interface the AuditWriter appends through, and its in-thread SQLite implementation (a
 * second better-sqlite3 connection to the store's file running {@link SqliteLedgerCore}).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Checkpoint } from './checkpoint.js';
import type { AuditSigner } from './key-material.js';
import type { AppendResult, PreparedBatch } from './prepare-records.js';
import { SqliteLedgerCore } from './sqlite-ledger-core.js';
import { toColumns } from './columnar-batch.js';

/** Appends batches to the ledger: assigns sequence numbers and chains hashes under a lock. */
export interface LedgerAppender {
  /** Commits one prepared batch (all or nothing). */
  append(batch: PreparedBatch): Promise<AppendResult>;
  /** Signs a checkpoint over all records so far; null when the newest one covers them. */
  checkpoint(now: number): Promise<Checkpoint | null>;
  close(): Promise<void>;
  /** How many batches the writer may have in flight at once (ordering is kept by the appender). */
  readonly maxInFlight: number;
}

/** How hard a commit waits for the disk on SQLite: `normal` survives a crash of the process, `full` a power cut. */
export type SqliteSync = 'normal' | 'full';

/** Opens a connection to the audit tables of a SQLite file with the settings the ledger needs. */
export function openLedgerConnection(file: string, sync: SqliteSync, busyTimeoutMs: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}

/** Serialises async operations in call order. */
export function serialQueue(): <T>(fn: () => T | Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => T | Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

/**
 * In-thread SQLite appender. Takes the write lock with `BEGIN IMMEDIATE` retried asynchronously, so
 * a busy database never blocks the event loop.
 */
export class InThreadSqliteAppender implements LedgerAppender {
  readonly maxInFlight = 1;
  private readonly db: Database.Database;
  private readonly core: SqliteLedgerCore;
  private readonly serial = serialQueue();

  constructor(file: string, signer: AuditSigner, opts: { sync?: SqliteSync; busyTimeoutMs?: number } = {}) {
    this.db = openLedgerConnection(file, opts.sync ?? 'normal', 0);
    this.core = new SqliteLedgerCore(this.db, signer);
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 10_000;
  }

  private readonly busyTimeoutMs: number;

  private async begin(): Promise<void> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (;;) {
      try {
        this.core.begin();
        return;
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
        await sleep(2 + Math.random() * 8);
      }
    }
  }

  append(batch: PreparedBatch): Promise<AppendResult> {
    return this.serial(async () => {
      await this.begin();
      return this.core.appendBegun(toColumns(batch));
    });
  }

  checkpoint(now: number): Promise<Checkpoint | null> {
    return this.serial(async () => {
      await this.begin();
      return this.core.checkpointBegun(now);
    });
  }

  close(): Promise<void> {
    return this.serial(() => {
      if (this.db.open) this.db.close();
    });
  }
}
