import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { openStore } from './open-store.js';
import { makeUsage } from './store-suite-data.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('defaults to the SQLite file <dataDir>/daca.db', async () => {
    const dataDir = join(dir, '.daca');
    const store = await openStore({ dataDir });
    try {
      expect(store.kind).toBe('sqlite');
      expect(existsSync(join(dataDir, 'daca.db'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('opens sqlite:<path> and sqlite:///<absolute path>', async () => {
    for (const [url, file] of [[`sqlite:${join(dir, 'a', 'x.db')}`, join(dir, 'a', 'x.db')], [`sqlite://${join(dir, 'b', 'y.db')}`, join(dir, 'b', 'y.db')]] as const) {
      const store = await openStore({ databaseUrl: url, dataDir: join(dir, 'unused') });
      await store.usage.insertBatch([makeUsage({ id: 'one' })]);
      await store.close();
      expect(existsSync(file)).toBe(true);
    }
    expect(existsSync(join(dir, 'unused'))).toBe(false);
  });

  it('opens a private in-memory store for sqlite::memory:', async () => {
    const store = await openStore({ databaseUrl: 'sqlite::memory:', dataDir: join(dir, 'unused') });
    try {
      expect(store.kind).toBe('sqlite');
      expect(await store.usage.insertBatch([makeUsage({ id: 'm' })])).toBe(1);
      expect(existsSync(join(dir, 'unused'))).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('rejects unsupported URLs without echoing credentials', async () => {
    const err = await openStore({ databaseUrl: 'mysql://root:s3cret@db/x', dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).not.toContain('s3cret');
    await expect(openStore({ databaseUrl: 'sqlite:', dataDir: dir })).rejects.toBeInstanceOf(InvalidRequestError);
  });
});
