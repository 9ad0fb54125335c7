/** The durable double-auction book on PostgreSQL (fails, never skips, when 127.0.0.1:5432 is unreachable). */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStore } from '../../store/postgres/postgres-store.js';
import { bookSuite } from './book-suite.js';

const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_book_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

bookSuite('PostgreSQL', async () => {
  const s = await openPostgresStore(URL, { schema });
  await s.migrate();
  return s;
});

afterAll(async () => {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});
