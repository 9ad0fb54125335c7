import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';

const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_open_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe('openStore with PostgreSQL', () => {
  it('opens postgres:// and postgresql:// URLs, honouring ?schema=', async () => {
    for (const scheme of ['postgres', 'postgresql']) {
      const url = `${URL.replace(/^postgres(ql)?/, scheme)}?schema=${schema}`;
      const store = await openStore({ databaseUrl: url, dataDir: '/nonexistent' });
      try {
        expect(store.kind).toBe('postgres');
        await store.keys.list();
      } finally {
        await store.close();
      }
    }
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    try {
      const r = await client.query(`select 1 from information_schema.tables where table_schema = $1 and table_name = 'keys'`, [schema]);
      expect(r.rowCount).toBe(1);
    } finally {
      await client.end();
    }
  });
});
