import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../errors.js';
import { openPostgresStore } from './postgres-store.js';
import { describeStoreSuite } from '../store-suite.js';
import { makeUsage } from '../store-suite-data.js';

/** The test database; this file fails (never skips) when it is unreachable. */
const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomUUID().replace(/-/g, '').slice(0, 10);
const schema = `daca_store_${run}`;
const created: string[] = [schema];
let n = 0;

async function dropSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    for (const s of created) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await client.end();
  }
}

describeStoreSuite('postgres', {
  open: () => openPostgresStore(URL, { schema }),
  fresh: () => {
    const s = `daca_fresh_${run}_${n++}`;
    created.push(s);
    return () => openPostgresStore(URL, { schema: s });
  },
  cleanup: dropSchemas,
});

describe('openPostgresStore', () => {
  const s = `daca_misc_${run}`;
  created.push(s);
  afterAll(dropSchemas);

  it('creates its tables in the requested schema only', async () => {
    const store = await openPostgresStore(URL, { schema: s });
    try {
      expect(store.kind).toBe('postgres');
      await store.usage.insertBatch([makeUsage({ id: 'in-schema' })]);
      const client = new pg.Client({ connectionString: URL });
      await client.connect();
      try {
        const r = await client.query<{ table_name: string }>(
          `select table_name from information_schema.tables where table_schema = $1 order by table_name`, [s]);
        // Every migrated table lands in the schema (domains add their own tables over time).
        expect(r.rows.map((x) => x.table_name)).toEqual(expect.arrayContaining(['daca_migration', 'daca_migration_lock', 'keys', 'usage_events']));
        const c = await client.query<{ n: string }>(`select count(*) as n from ${s}.usage_events`);
        expect(c.rows[0]!.n).toBe('1');
      } finally {
        await client.end();
      }
    } finally {
      await store.close();
    }
  });

  it('inserts batches larger than one statement (parameter limit) exactly once', async () => {
    const store = await openPostgresStore(URL, { schema: s });
    try {
      const rows = Array.from({ length: 4500 }, (_, i) => makeUsage({ id: `chunk-${i}`, tenant: 'chunks', costMicros: 1 }));
      expect(await store.usage.insertBatch(rows)).toBe(4500);
      expect(await store.usage.insertBatch([...rows.slice(4000), makeUsage({ id: 'chunk-new', tenant: 'chunks', costMicros: 1 })])).toBe(1);
      expect((await store.usage.query({ groupBy: [], tenant: 'chunks' })).totals.costMicros).toBe(4501);
    } finally {
      await store.close();
    }
  });

  it('rejects an unsafe schema name before connecting', async () => {
    await expect(openPostgresStore(URL, { schema: 'x; drop table keys' })).rejects.toBeInstanceOf(InvalidRequestError);
  });
});
