import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import { describeStoreSuite } from '../store-suite.js';
import { makeUsage } from '../store-suite-data.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreSuite('sqlite', {
  open: () => openSqliteStore(join(dir, '.daca', 'daca.db')),
  fresh: () => {
    const file = join(dir, `fresh-${n++}`, 'daca.db');
    return () => openSqliteStore(file);
  },
});

describe('openSqliteStore', () => {
  it('creates the parent folder and uses WAL', async () => {
    const file = join(dir, 'nested', 'deeper', 'x.db');
    const store = await openSqliteStore(file);
    try {
      expect(store.kind).toBe('sqlite');
      await store.usage.insertBatch([makeUsage({ id: 'w1' })]);
      expect(existsSync(file)).toBe(true);
      expect(existsSync(`${file}-wal`)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('keeps data across reopen, and :memory: stores are private', async () => {
    const file = join(dir, 'reopen.db');
    const a = await openSqliteStore(file);
    await a.usage.insertBatch([makeUsage({ id: 'keep' })]);
    await a.close();
    const b = await openSqliteStore(file);
    expect((await b.usage.get('keep'))?.id).toBe('keep');
    await b.close();

    const m1 = await openSqliteStore(':memory:');
    const m2 = await openSqliteStore(':memory:');
    await m1.usage.insertBatch([makeUsage({ id: 'mem' })]);
    expect((await m1.usage.get('mem'))?.id).toBe('mem');
    expect(await m2.usage.get('mem')).toBeUndefined();
    await Promise.all([m1.close(), m2.close()]);
  });
});
