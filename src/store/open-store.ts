/**
 * Picks the store from a database URL: PostgreSQL for `postgres://`/`postgresql://`, SQLite for
 * `sqlite:<path>` (or `sqlite::memory:`), and the embedded SQLite file `<dataDir>/daca.db` by default.
 */
import { join } from 'node:path';
import { InvalidRequestError } from '../errors.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

/** Where the store lives. */
export interface OpenStoreOptions {
  /**
   * `postgres://…`, `postgresql://…` (an optional `?schema=name` picks the PostgreSQL schema),
   * `sqlite:<path>`, `sqlite::memory:`; undefined for the default.
   */
  databaseUrl?: string;
  /** Folder for the default SQLite file (e.g. `.daca`). */
  dataDir: string;
}

/**
 * Opens the store named by `databaseUrl` (migrations included).
 *
 * @throws InvalidRequestError for an unsupported URL scheme.
 * @example
 * ```ts
 * const store = await openStore({ databaseUrl: process.env.DACA_DATABASE_URL, dataDir: '.daca' });
 * ```
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const url = opts.databaseUrl?.trim();
  if (url === undefined || url === '') return openSqliteStore(join(opts.dataDir, 'daca.db'));
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema');
    if (schema === null) return openPostgresStore(url);
    parsed.searchParams.delete('schema');
    return openPostgresStore(parsed.toString(), { schema });
  }
  if (/^sqlite:/i.test(url)) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new InvalidRequestError(`Database URL '${url}' names no file.`, { param: 'databaseUrl' });
    return openSqliteStore(path);
  }
  throw new InvalidRequestError(
    `Unsupported database URL '${url.replace(/\/\/[^@/]*@/, '//***@')}': use postgres://, postgresql:// or sqlite:<path>.`,
    { param: 'databaseUrl' },
  );
}
