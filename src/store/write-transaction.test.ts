/** writeTransaction on two SQLite stores sharing one file: no lost update, rollback on a throw. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { writeTransaction } from './write-transaction.js';

describe('writeTransaction on SQLite', () => {
  it('serialises read-then-write sections of two stores on one file, and rolls back when the section throws', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'daca-wt-')), 'daca.db');
    const [a, b] = [await openSqliteStore(file), await openSqliteStore(file)];
    await sql`CREATE TABLE counter (n integer NOT NULL)`.execute(a.db);
    await sql`INSERT INTO counter (n) VALUES (0)`.execute(a.db);
    const bump = (s: typeof a) =>
      writeTransaction(s, async (tx) => {
        const { n } = (await sql<{ n: number }>`SELECT n FROM counter`.execute(tx)).rows[0]!;
        await new Promise((r) => setImmediate(r)); // let the other store run meanwhile
        await sql`UPDATE counter SET n = ${n + 1}`.execute(tx);
      });
    await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? a : b)));
    expect((await sql<{ n: number }>`SELECT n FROM counter`.execute(a.db)).rows[0]!.n).toBe(40);
    await expect(writeTransaction(a, async (tx) => {
      await sql`UPDATE counter SET n = -1`.execute(tx);
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect((await sql<{ n: number }>`SELECT n FROM counter`.execute(b.db)).rows[0]!.n).toBe(40);
    await a.close();
    await b.close();
  });
});
