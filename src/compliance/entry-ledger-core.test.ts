import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { openAuditLedger } from './audit-ledger.js';
import type { AuditEntry, AuditReceipt } from './audit-types.js';
import { BatchPreparer } from './batch-preparer.js';
import { encodeEntry } from './entry-codec.js';
import { EntryLedgerCore } from './entry-ledger-core.js';
import type { EntrySink } from './entry-sink.js';
import { loadAuditSigner, type AuditSigner } from './key-material.js';
import { InThreadSqliteAppender, openLedgerConnection } from './ledger-appender.js';
import type { LedgerTables } from './ledger-tables.js';
import type { StampedEntry } from './prepare-records.js';
import { PreparingSink } from './preparing-sink.js';
import { eraseSubject, exportSubject } from './subjects.js';
import { subjectRef } from './subject-crypto.js';
import { SubjectKeyring } from './subject-keyring.js';
import { requestEntry, dumpLedger } from './test-support.js';
import { verifyLedger } from './verify-ledger.js';
import { startAuditWorker } from './worker-appender.js';

const MASTER = Buffer.alloc(32, 7);
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The compiled worker, when `npm run build` has compiled the current sources (CI builds before testing). */
const distWorker = new URL('../../dist/src/compliance/audit-worker.js', import.meta.url);
const distFresh = readdirSync(fileURLToPath(new URL('.', import.meta.url)))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .every((f) => {
    const built = fileURLToPath(new URL(`../../dist/src/compliance/${f.replace(/\.ts$/, '.js')}`, import.meta.url));
    return existsSync(built) && statSync(built).mtimeMs >= statSync(fileURLToPath(new URL(`./${f}`, import.meta.url))).mtimeMs;
  });

const stores: Store[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  for (const s of stores.splice(0)) await s.close();
});

async function fresh(): Promise<{ dir: string; file: string; store: Store; db: Kysely<LedgerTables>; signer: AuditSigner }> {
  const dir = mkdtempSync(join(tmpdir(), 'daca-entry-core-'));
  const file = join(dir, 'daca.db');
  const store = await openSqliteStore(file);
  stores.push(store);
  return { dir, file, store, db: store.db.withTables<LedgerTables>() as unknown as Kysely<LedgerTables>, signer: loadAuditSigner({ dataDir: dir, env: {} }) };
}

/** Entries that exercise canonical JSON: digests, unicode, numbers, nesting, missing parts. */
function entries(): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < 70; i++) {
    const e = requestEntry(i);
    if (i % 2 === 0) {
      e.digests = {
        messages_sha256: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `héllo 𝄞 "quoted" \u2028 ${i}`, name: undefined }],
        ...(i % 4 === 0 ? { tools_sha256: [{ type: 'function', function: { name: 'refund', parameters: { b: 1, a: [1e21, 0.1, -0, 2 ** 53] } } }] } : {}),
      };
    }
    out.push(e);
  }
  out.push({ kind: 'admin_action', tenant: '*', actor: { kind: 'human', id: 'ops@acme' }, detail: { action: 'revoke_key', 'ключ': 'значение', nested: { z: [null, true, 'x'], a: 5e-7 } } });
  out.push({ kind: 'agent_decision', tenant: 'acme', actor: { kind: 'agent', id: 'refunds' }, agent: 'refunds', decision: { action: 'approved', summary: 'refund 42' }, class: 'decisions' });
  out.push({ kind: 'spec_change', tenant: 'acme', actor: { kind: 'system', id: 'daca' }, inputs: {}, digests: { spec_sha256: { version: 2 }, absent: undefined } });
  return out;
}

const stampAll = (list: AuditEntry[]): StampedEntry[] => list.map((entry, i) => ({ entry, id: `aud_test_${String(i).padStart(4, '0')}`, ts: 1_700_000_000_000 + i * 37 }));
const BATCHES = [1, 40, 32];

/** Writes the entries in three batches through a sink; returns the receipts of each batch's first and last record. */
async function writeAll<T>(sink: EntrySink<T>, stamped: StampedEntry[]): Promise<AuditReceipt[]> {
  const receipts: AuditReceipt[] = [];
  let at = 0;
  for (const n of BATCHES) {
    const part = stamped.slice(at, at + n);
    at += n;
    const r = await sink.write(part.map((s) => sink.encode(s)), [0, part.length - 1]);
    receipts.push(...r.receipts);
  }
  return receipts;
}


describe('audit records prepared on the worker path', () => {
  it('are byte-identical to the in-thread path for the same entries (headers, hashes, chain, payloads)', async () => {
    const stamped = stampAll(entries());
    expect(stamped.length).toBe(BATCHES.reduce((a, b) => a + b, 0));

    const a = await fresh();
    const inThread = new PreparingSink(new InThreadSqliteAppender(a.file, a.signer), new BatchPreparer(MASTER, new SubjectKeyring(a.db, MASTER)));
    const ra = await writeAll(inThread, stamped);
    await inThread.close();

    const b = await fresh();
    const conn = openLedgerConnection(b.file, 'normal', 5000);
    closers.push(() => conn.close());
    const core = new EntryLedgerCore(conn, b.signer, MASTER);
    const rb: AuditReceipt[] = [];
    let at = 0;
    for (const n of BATCHES) {
      const part = stamped.slice(at, at + n);
      at += n;
      rb.push(...core.appendEntries(part.map(encodeEntry), [0, part.length - 1]).receipts);
    }

    expect(rb).toEqual(ra);
    const rows = dumpLedger(a.file);
    expect(rows).toHaveLength(stamped.length);
    expect(dumpLedger(b.file)).toEqual(rows);
    expect((await verifyLedger(b.db, b.signer)).ok).toBe(true);
    // Digests are what the gateway used to compute itself: SHA-256 of the value's JSON text.
    const first = rows[0] as { inputs: string };
    expect(JSON.parse(first.inputs).inputs.messages_sha256).toBe(sha256(JSON.stringify(stamped[0]!.entry.digests!.messages_sha256)));
    expect(JSON.parse((rows.at(-1) as { inputs: string }).inputs).inputs).toEqual({ spec_sha256: sha256('{"version":2}') });
  });

  it.skipIf(!distFresh)('are byte-identical through the real worker thread (compiled dist/)', async () => {
    const stamped = stampAll(entries());
    const a = await fresh();
    const inThread = new PreparingSink(new InThreadSqliteAppender(a.file, a.signer), new BatchPreparer(MASTER, new SubjectKeyring(a.db, MASTER)));
    const ra = await writeAll(inThread, stamped);
    await inThread.close();
    const c = await fresh();
    const worker = startAuditWorker(c.file, c.signer, MASTER, { workerUrl: distWorker })!;
    expect(worker).not.toBeNull();
    const rc = await writeAll(worker, stamped);
    expect(await worker.checkpoint(Date.now())).toMatchObject({ treeSize: stamped.length });
    await worker.close();
    expect(rc).toEqual(ra);
    expect(dumpLedger(c.file)).toEqual(dumpLedger(a.file));
    expect((await verifyLedger(c.db, c.signer)).ok).toBe(true);
  });

  it('snapshot digests during append: mutating the caller\'s objects afterwards changes nothing, on either encoding', async () => {
    const messages = [{ role: 'user', content: 'original' }];
    const expected = sha256(JSON.stringify(messages));
    const a = await fresh();
    const inThread = new PreparingSink(new InThreadSqliteAppender(a.file, a.signer), new BatchPreparer(MASTER, new SubjectKeyring(a.db, MASTER)));
    const [s] = stampAll([{ ...requestEntry(1), digests: { messages_sha256: messages } }]);
    const itemA = inThread.encode(s!);
    const itemB = encodeEntry(s!);
    messages[0]!.content = 'changed later';
    messages.push({ role: 'user', content: 'appended later' });
    await inThread.write([itemA], []);
    await inThread.close();
    const b = await fresh();
    const conn = openLedgerConnection(b.file, 'normal', 5000);
    closers.push(() => conn.close());
    new EntryLedgerCore(conn, b.signer, MASTER).appendEntries([itemB], []);
    for (const f of [a.file, b.file]) expect(JSON.parse((dumpLedger(f)[0] as { inputs: string }).inputs).inputs.messages_sha256).toBe(expected);
  });

  it('encrypts personal data under keys looked up under the write lock: after an erasure new data gets a new key', async () => {
    const b = await fresh();
    const conn = openLedgerConnection(b.file, 'normal', 5000);
    closers.push(() => conn.close());
    const core = new EntryLedgerCore(conn, b.signer, MASTER);
    const personal = (i: number, subject?: string): AuditEntry => ({ ...requestEntry(i), ...(subject ? { dataSubject: subject } : {}), personal: { messages: [{ role: 'user', content: `my card ends ${i}` }] } });
    const enc = (list: AuditEntry[], from: number): string[] => stampAll(list).map((s, i) => encodeEntry({ ...s, id: `aud_p_${from + i}` }));
    core.appendEntries(enc([personal(1, 'alice@example.com'), personal(2, 'alice@example.com'), personal(3)], 0), []);
    core.appendEntries(enc([personal(4, 'alice@example.com')], 3), []);

    const ref = subjectRef(MASTER, 'alice@example.com');
    const keysOf = () => b.db.selectFrom('audit_subject_keys').select(['kid', 'wrapped']).where('subject_ref', '=', ref).execute();
    expect(await keysOf()).toHaveLength(1); // one key for all of alice's records, reused from the cache and the table
    const kidOf = (seq: number): string => JSON.parse((dumpLedger(b.file)[seq - 1] as { inputs: string }).inputs).personal.kid;
    expect(kidOf(1)).toBe(kidOf(4));
    expect(kidOf(3)).not.toBe(kidOf(1)); // no named subject: a key of its own

    // Erase on another connection while the worker core still has the key cached.
    await b.db.updateTable('audit_subject_keys').set({ wrapped: null, erased_at: 1 }).where('subject_ref', '=', ref).execute();
    core.appendEntries(enc([personal(5, 'alice@example.com')], 4), []);
    const keys = await keysOf();
    expect(keys).toHaveLength(2);
    const active = keys.find((k) => k.wrapped !== null)!;
    expect(kidOf(5)).toBe(active.kid);
    expect(kidOf(5)).not.toBe(kidOf(1));
    expect((await verifyLedger(b.db, b.signer)).ok).toBe(true);
  });

  it('commits a batch larger than one slice as one transaction: receipts across slices, one key per subject, same rows as in-thread', async () => {
    const list = Array.from({ length: 700 }, (_, i) => (i % 97 === 10 ? { ...requestEntry(i), dataSubject: 'alice@example.com', personal: { n: i } } : requestEntry(i)));
    const stamped = stampAll(list);
    const want = [0, 255, 256, 511, 512, 696];
    const b = await fresh();
    const conn = openLedgerConnection(b.file, 'normal', 5000);
    closers.push(() => conn.close());
    const core = new EntryLedgerCore(conn, b.signer, MASTER);
    core.appendEntries(stamped.slice(0, 3).map(encodeEntry), []);
    const r = core.appendEntries(stamped.slice(3).map(encodeEntry), want);
    expect(r.receipts.map((x) => x.seq)).toEqual(want.map((i) => 4 + i));
    expect(r.receipts.map((x) => x.id)).toEqual(want.map((i) => stamped[3 + i]!.id));
    expect(r.head.seq).toBe(700);
    const keys = await b.db.selectFrom('audit_subject_keys').select(['kid']).where('subject_ref', '=', subjectRef(MASTER, 'alice@example.com')).execute();
    expect(keys).toHaveLength(1); // alice's records in several slices share one key
    const rows = dumpLedger(b.file) as { seq: number; hash: string }[];
    expect(rows.at(-1)!.hash).toBe(r.head.hash);
    expect((await verifyLedger(b.db, b.signer)).ok).toBe(true);

    // The same entries (without personal data, whose IVs are random) through the in-thread path: identical rows.
    const plain = stampAll(list.map((e) => ({ ...e, personal: undefined, dataSubject: undefined })));
    const a = await fresh();
    const inThread = new PreparingSink(new InThreadSqliteAppender(a.file, a.signer), new BatchPreparer(MASTER, new SubjectKeyring(a.db, MASTER)));
    await inThread.write(plain.map((x) => inThread.encode(x)), []);
    await inThread.close();
    const c = await fresh();
    const conn2 = openLedgerConnection(c.file, 'normal', 5000);
    closers.push(() => conn2.close());
    new EntryLedgerCore(conn2, c.signer, MASTER).appendEntries(plain.map(encodeEntry), []);
    expect(dumpLedger(c.file)).toEqual(dumpLedger(a.file));
  });

  it('rejects an entry that cannot be JSON during append, and a non-integer timestamp', async () => {
    const a = await fresh();
    const ledger = await openAuditLedger({ store: a.store, dataDir: a.dir, env: {} });
    closers.push(() => ledger.close());
    expect(() => ledger.append({ ...requestEntry(1), ts: 1.5 })).toThrow(/integer/);
    expect(() => encodeEntry({ entry: { ...requestEntry(1), detail: { n: 1n as unknown as number } }, id: 'aud_x', ts: 1 })).toThrow(/not JSON/);
  });
});

describe.skipIf(!distFresh)('the ledger on the compiled audit worker', () => {
  it('group-commits strict appends, keeps batched ones, decrypts and erases personal data', async () => {
    const a = await fresh();
    const ledger = await openAuditLedger({ store: a.store, dataDir: a.dir, env: {}, workerUrl: distWorker, flushMs: 5 });
    closers.push(() => ledger.close());
    expect(ledger.onWorker).toBe(true);
    for (let i = 0; i < 50; i++) ledger.append(requestEntry(i));
    const receipts = await Promise.all(Array.from({ length: 40 }, (_, i) => ledger.appendAndWait({ ...requestEntry(100 + i), dataSubject: 'bob', personal: { note: `n${i}` } })));
    expect(receipts.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => 51 + i));
    await ledger.flush();
    const ex = await exportSubject(ledger, 'bob');
    expect(ex.records).toHaveLength(40);
    expect(ex.records.map((r) => (r.inputs?.personalPlain as { note: string }).note).sort()).toContain('n7');
    const er = await eraseSubject(ledger, 'bob', { kind: 'human', id: 'dpo' });
    expect(er).toMatchObject({ keysDestroyed: 1, records: 40 });
    await ledger.appendAndWait({ ...requestEntry(200), dataSubject: 'bob', personal: { note: 'after' } });
    const after = await exportSubject(ledger, 'bob');
    expect(after.records.filter((r) => r.inputs?.personalPlain === 'erased')).toHaveLength(40);
    expect(after.records.filter((r) => (r.inputs?.personalPlain as { note?: string } | undefined)?.note === 'after')).toHaveLength(1);
    await ledger.checkpoint();
    expect((await verifyLedger(ledger.db, ledger.signer)).ok).toBe(true);
  });
});
