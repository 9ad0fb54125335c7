/**
 * Opening the ledger from the command line without a running server: the store named by
 * `DACA_DATABASE_URL`, else `<data-dir>/daca.db`; keys from the environment or the data dir.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { openAuditLedger, type AuditLedger } from '../compliance/audit-ledger.js';
import type { LedgerTables } from '../compliance/ledger-tables.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { CliError } from './admin-client.js';

/** The flag every local audit command takes. */
export interface LocalFlags {
  dataDir?: string;
}

/** The data dir: `--data-dir`, `DACA_DATA_DIR`, else `.daca`. */
export function dataDirOf(f: LocalFlags): string {
  return resolve(f.dataDir || process.env.DACA_DATA_DIR || '.daca');
}

/** Opens the store read/write (migrations run); fails when the embedded store does not exist. */
export async function openLocalStore(f: LocalFlags): Promise<{ store: Store; db: Kysely<LedgerTables>; dataDir: string }> {
  const dataDir = dataDirOf(f);
  const url = process.env.DACA_DATABASE_URL;
  if (!url && !existsSync(join(dataDir, 'daca.db'))) throw new CliError(`no daca store at ${join(dataDir, 'daca.db')}: run this where \`daca up\` ran, pass --data-dir, or set DACA_DATABASE_URL`);
  const store = await openStore({ databaseUrl: url, dataDir });
  return { store, db: store.db.withTables<LedgerTables>() as unknown as Kysely<LedgerTables>, dataDir };
}

/** Runs `fn` with a full ledger (writer included) and closes everything after. */
export async function withLocalLedger<T>(f: LocalFlags, fn: (l: AuditLedger) => Promise<T>): Promise<T> {
  const { store, dataDir } = await openLocalStore(f);
  try {
    const ledger = await openAuditLedger({ store, dataDir, worker: false, flushMs: 10 });
    try {
      return await fn(ledger);
    } finally {
      await ledger.close();
    }
  } finally {
    await store.close();
  }
}

/** The person running the command, as an audit actor. */
export function cliActor(): { kind: 'human'; id: string } {
  return { kind: 'human', id: `cli:${process.env.DACA_ACTOR ?? process.env.USER ?? 'unknown'}` };
}
