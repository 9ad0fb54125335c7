import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../store/open-store.js';
import { describeObservabilityStore } from './store-suite.js';

/** The test database; this file fails (never skips) when it is unreachable. */
const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_obs_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

describeObservabilityStore(
  'postgres',
  () => openStore({ databaseUrl: `${URL}?schema=${schema}`, dataDir: '/nonexistent' }),
  async () => {
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  },
);
