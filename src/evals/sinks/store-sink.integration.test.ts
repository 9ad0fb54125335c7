/**
 * The eval run store on PostgreSQL (migration 006), in a schema of its own that is dropped after.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { openPostgresStore } from '../../store/postgres/postgres-store.js';
import type { Store } from '../../store/types.js';
import { StoreRunRepo } from './store-sink.js';
import { describeRunStore, describeRunTotals } from '../testing/store-run-suite.js';

const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_evals_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const stores: Store[] = [];

afterAll(async () => {
  for (const s of stores) await s.close();
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

describe('StoreRunRepo on PostgreSQL', () => {
  describeRunStore(async () => {
    const s = await openPostgresStore(URL, { schema });
    stores.push(s);
    return new StoreRunRepo(s);
  });
  describeRunTotals(async () => {
    const s = await openPostgresStore(URL, { schema });
    stores.push(s);
    return new StoreRunRepo(s);
  });
});
