/** The market ledger on PostgreSQL (fails, never skips, when 127.0.0.1:5432 is unreachable). */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStore } from '../../store/postgres/postgres-store.js';
import { ledgerSuite } from './ledger-suite.js';

const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_orch_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

ledgerSuite('PostgreSQL', async () => {
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
