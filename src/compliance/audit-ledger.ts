/**
 * The audit ledger of a daca node: opens the writer on the right sink (on a SQLite file the audit
 * worker, which prepares and commits raw entries; in-thread preparation through a SQLite
 * connection when the worker is not built, or through Kysely on PostgreSQL and in-memory SQLite)
 * and bundles the read side (search, verification, explanations, subjects, retention, export).
 */
import { sql, type Kysely } from 'kysely';
import type { Store } from '../store/types.js';
import type { AuditEntry, AuditReceipt } from './audit-types.js';
import { AuditWriter, type AuditWriterOptions } from './audit-writer.js';
import { BatchPreparer } from './batch-preparer.js';
import type { Checkpoint } from './checkpoint.js';
import type { EntrySink } from './entry-sink.js';
import { loadAuditSigner, loadMasterKey, type AuditSigner } from './key-material.js';
import { KyselyAppender } from './kysely-appender.js';
import { InThreadSqliteAppender, type LedgerAppender, type SqliteSync } from './ledger-appender.js';
import type { LedgerTables } from './ledger-tables.js';
import { PreparingSink } from './preparing-sink.js';
import { SubjectKeyring } from './subject-keyring.js';
import { startAuditWorker } from './worker-appender.js';

/** Options of {@link openAuditLedger}. */
export interface AuditLedgerOptions extends AuditWriterOptions {
  store: Store;
  /** Where the key files live (the `.daca` data dir). */
  dataDir: string;
  env?: Record<string, string | undefined>;
  /** SQLite commit durability: `full` fsyncs every commit (survives power loss), `normal` survives a process crash. */
  sqliteSync?: SqliteSync;
  /** Use the worker thread on SQLite files when it is built (default true). */
  worker?: boolean;
  /** The compiled worker module (default: audit-worker.js beside this module; tests point at dist/). */
  workerUrl?: URL;
}

/** The path of a SQLite store's main database file, or null for PostgreSQL and `:memory:`. */
export async function sqliteFileOf(store: Store): Promise<string | null> {
  if (store.kind !== 'sqlite') return null;
  const r = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(store.db);
  const main = r.rows.find((x) => x.name === 'main');
  return main?.file ? main.file : null;
}

/** The ledger's writing half plus the keys and handles the read side needs. */
export interface AuditLedger {
  readonly store: Store;
  readonly db: Kysely<LedgerTables>;
  readonly signer: AuditSigner;
  readonly master: Buffer;
  /** The subject keys of in-thread preparation (unused when the audit worker prepares). */
  readonly keyring: SubjectKeyring;
  readonly writer: AuditWriter;
  /** True when records are prepared and committed on the audit worker thread. */
  readonly onWorker: boolean;
  /** Buffers a record (batched durability); returns its id. */
  append(entry: AuditEntry): string;
  /** Appends and resolves once committed (strict durability). */
  appendAndWait(entry: AuditEntry): Promise<AuditReceipt>;
  flush(): Promise<void>;
  checkpoint(): Promise<Checkpoint | null>;
  /** Drops data subjects' keys (by reference) from the writer's memory, after an erasure. */
  forgetSubjectKeys(refs: string[]): void;
  /** Flushes, signs a final checkpoint and stops the writer (the store stays open). */
  close(): Promise<void>;
}

/**
 * Opens the ledger on a store (migrations must have run). Generates the signing and master keys
 * under `dataDir` on first use unless they come from the environment.
 * @example
 * ```ts
 * const ledger = await openAuditLedger({ store, dataDir: '.daca' });
 * ledger.append({ kind: 'admin_action', tenant: 'acme', actor: { kind: 'human', id: 'ops' }, detail: { action: 'login' } });
 * await ledger.close();
 * ```
 */
export async function openAuditLedger(opts: AuditLedgerOptions): Promise<AuditLedger> {
  const src = { dataDir: opts.dataDir, ...(opts.env ? { env: opts.env } : {}) };
  const signer = loadAuditSigner(src);
  const master = loadMasterKey({ ...src, create: true });
  const db = opts.store.db.withTables<LedgerTables>() as unknown as Kysely<LedgerTables>;
  const file = await sqliteFileOf(opts.store);
  const keyring = new SubjectKeyring(db, master);
  let sink: EntrySink<unknown> | null = null;
  if (file && opts.worker !== false) {
    sink = startAuditWorker(file, signer, master, { sync: opts.sqliteSync ?? 'normal', ...(opts.workerUrl ? { workerUrl: opts.workerUrl } : {}) });
  }
  const onWorker = sink !== null;
  if (!sink) {
    const appender: LedgerAppender = file ? new InThreadSqliteAppender(file, signer, { sync: opts.sqliteSync ?? 'normal' }) : new KyselyAppender(db, opts.store.kind, signer);
    sink = new PreparingSink(appender, new BatchPreparer(master, keyring, opts.now), (refs) => keyring.forget(refs));
  }
  const writer: AuditWriter = new AuditWriter(sink, opts);
  return {
    store: opts.store, db, signer, master, keyring, writer, onWorker,
    append: (e) => writer.append(e),
    appendAndWait: (e) => writer.appendAndWait(e),
    flush: () => writer.flush(),
    checkpoint: () => writer.checkpoint(),
    forgetSubjectKeys: (refs) => sink.forget(refs),
    close: () => writer.close(),
  };
}
