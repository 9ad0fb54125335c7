/**
 * The store's migrations, as code: one module per migration, listed here in order. The same list
 * runs on SQLite and PostgreSQL.
 */
import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { InternalError } from '../../errors.js';
import * as m001 from './001-keys-usage.js';
import * as m002 from './002-observability.js';
import * as m003 from './003-audit.js';
import * as m004 from './004-budgets.js';
import * as m005 from './005-approvals.js';
import * as m006 from './006-evals.js';
import * as m008 from './008-governance.js';
import * as m009 from './009-orchestration.js';
import * as m010usage from './010-usage-routing.js';
import * as m011 from './011-access-control.js';
import * as m012 from './012-mesh-registrations.js';
import * as m013 from './013-double-auctions.js';

/** All migrations by name; names sort in execution order. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '001-keys-usage': m001,
  '002-observability': m002,
  '003-audit': m003,
  '004-budgets': m004,
  '005-approvals': m005,
  '006-evals': m006,
  '008-governance': m008,
  '009-orchestration': m009,
  '010-usage-routing': m010usage,
  '011-access-control': m011,
  '012-mesh-registrations': m012,
  '013-double-auctions': m013,
});

/** A `MigrationProvider` that serves {@link MIGRATIONS} from memory (no file-system scanning). */
export const inCodeMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

/**
 * Runs every pending migration on `db`.
 *
 * @param opts.migrationTableSchema - PostgreSQL schema that holds the bookkeeping tables.
 * @param opts.disableTransactions - set when the caller already holds a transaction (SQLite
 *   `BEGIN IMMEDIATE`), so the migrator must not open its own.
 * @throws InternalError when a migration fails.
 * @example
 * ```ts
 * await migrateToLatest(db);
 * ```
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  opts: { migrationTableSchema?: string; disableTransactions?: boolean } = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: inCodeMigrationProvider,
    migrationTableName: 'daca_migration',
    migrationLockTableName: 'daca_migration_lock',
    ...(opts.migrationTableSchema ? { migrationTableSchema: opts.migrationTableSchema } : {}),
    disableTransactions: opts.disableTransactions ?? false,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new InternalError(`Store migration '${failed}' failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
