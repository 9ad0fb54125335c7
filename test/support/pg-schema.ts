/**
 * PostgreSQL for integration tests: the test database (127.0.0.1:5432 `test`, or
 * `DACA_TEST_DATABASE_URL` / `DACA_TEST_PG_URL`) with a schema of the test file's own, dropped afterwards. A test that
 * uses it fails, never skips, when the database is unreachable.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/types.js';

/** The test database's URL. */
export const TEST_DATABASE_URL = process.env.DACA_TEST_DATABASE_URL ?? process.env.DACA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test uses, e.g. `daca_book_1a2b3c4d5e`. */
export function freshSchema(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
}

/** A migrated store in `schema` of the test database. */
export async function openSchemaStore(schema: string): Promise<Store> {
  const s = await openPostgresStore(TEST_DATABASE_URL, { schema });
  await s.migrate();
  return s;
}

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}
