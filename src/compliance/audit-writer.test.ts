import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { AuditWriter } from './audit-writer.js';
import { BatchPreparer } from './batch-preparer.js';
import { PreparingSink } from './preparing-sink.js';
import { loadAuditSigner } from './key-material.js';
import { InThreadSqliteAppender, type LedgerAppender } from './ledger-appender.js';
import type { LedgerTables } from './ledger-tables.js';
import { SubjectKeyring } from './subject-keyring.js';
import { requestEntry } from './test-support.js';
import type { Kysely } from 'kysely';

let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

/** A real SQLite appender that counts transactions and can be made to fail. */
async function counting(): Promise<{ appender: LedgerAppender; calls: number[]; failNext: { n: number }; preparer: BatchPreparer; db: Kysely<LedgerTables> }> {
  const dir = mkdtempSync(join(tmpdir(), 'daca-writer-'));
  const file = join(dir, 'daca.db');
  store = await openSqliteStore(file);
  const real = new InThreadSqliteAppender(file, loadAuditSigner({ dataDir: dir, env: {} }));
  const calls: number[] = [];
  const failNext = { n: 0 };
  const appender: LedgerAppender = {
    maxInFlight: 1,
    append: async (b) => {
      if (failNext.n > 0) {
        failNext.n--;
        throw new Error('disk on fire');
      }
      calls.push(b.records.length);
      return real.append(b);
    },
    checkpoint: (now) => real.checkpoint(now),
    close: () => real.close(),
  };
  const db = store.db.withTables<LedgerTables>() as unknown as Kysely<LedgerTables>;
  return { appender, calls, failNext, preparer: new BatchPreparer(Buffer.alloc(32, 7), new SubjectKeyring(db, Buffer.alloc(32, 7))), db };
}

describe('AuditWriter', () => {
  it('group-commits concurrent strict appends: far fewer transactions than records, each caller gets its own receipt', async () => {
    const { appender, calls, preparer } = await counting();
    const w = new AuditWriter(new PreparingSink(appender, preparer), { flushMs: 10_000 });
    const receipts = await Promise.all(Array.from({ length: 300 }, (_, i) => w.appendAndWait(requestEntry(i))));
    expect(receipts.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(calls.reduce((a, b) => a + b, 0)).toBe(300);
    expect(calls.length).toBeLessThanOrEqual(3); // the first alone, the rest together
    await w.close();
  });

  it('batches appends by size and time, and flushes on close', async () => {
    const { appender, calls, preparer, db } = await counting();
    const w = new AuditWriter(new PreparingSink(appender, preparer), { flushMs: 20, batchSize: 100 });
    for (let i = 0; i < 250; i++) w.append(requestEntry(i));
    expect(calls).toEqual([]); // nothing written on the request path
    // The timer writes the rest without a flush (waited for, not timed: the machine may be busy).
    for (let i = 0; i < 500 && calls.reduce((a, b) => a + b, 0) < 250; i++) await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([100, 100, 50]);
    w.append(requestEntry(999));
    await w.close();
    expect(calls).toEqual([100, 100, 50, 1]);
    expect((await db.selectFrom('audit_checkpoints').select('tree_size').execute()).map((r) => Number(r.tree_size))).toEqual([251]);
  });

  it('rejects strict waiters of a failed batch, reports the error, and retries the records', async () => {
    const { appender, calls, failNext, preparer } = await counting();
    const errors: unknown[] = [];
    const w = new AuditWriter(new PreparingSink(appender, preparer), { flushMs: 5, onError: (e) => errors.push(e) });
    failNext.n = 1;
    await expect(w.appendAndWait(requestEntry(1))).rejects.toThrow('disk on fire');
    expect(errors).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50));
    await w.flush();
    expect(calls).toEqual([1]); // the record was written on retry
    const r = await w.appendAndWait(requestEntry(2));
    expect(r.seq).toBe(2);
    await w.close();
  });
});
