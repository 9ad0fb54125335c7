import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../store/postgres/postgres-store.js';
import { describeApprovalSuite } from './approval-service-suite.js';

/** The test database; this file fails (never skips) when it is unreachable. */
const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_approvals_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

describeApprovalSuite(
  'PostgreSQL',
  async () => {
    const store = await openPostgresStore(URL, { schema });
    await store.migrate();
    return store;
  },
  async () => {
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  },
);
