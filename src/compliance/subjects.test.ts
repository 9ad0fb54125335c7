import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAuditPublicKey } from './key-material.js';
import { eraseSubject, exportSubject } from './subjects.js';
import { requestEntry, sqliteLedger } from './test-support.js';
import { verifyLedger } from './verify-ledger.js';

type Env = Awaited<ReturnType<typeof sqliteLedger>>;
let env: Env | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** Every byte of the database file and its WAL (and shared memory index). */
function fileBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((f) => readFileSync(f)));
}

const SECRET = 'Alice Liddell, 42 Rabbit Hole Lane, card 4111-1111-1111-1111';

describe('data subjects', () => {
  it('encrypts personal data per subject: export reads it; after erasure it is unreadable, gone from the file bytes, and the ledger still verifies', async () => {
    env = await sqliteLedger({ flushMs: 5 });
    const { ledger } = env;
    for (let i = 0; i < 10; i++) ledger.append(requestEntry(i, { dataSubject: i % 2 ? 'alice@example.com' : 'bob@example.com', personal: { prompt: `${i % 2 ? SECRET : 'Bob asks'} #${i}` } }));
    await ledger.flush();
    await ledger.checkpoint();

    expect(fileBytes(env.file).includes(SECRET)).toBe(false); // encrypted at rest from the start
    expect(fileBytes(env.file).includes('alice@example.com')).toBe(false); // subjects are pseudonymous

    const before = await exportSubject(ledger, 'alice@example.com');
    expect(before.erased).toBe(false);
    expect(before.records).toHaveLength(5);
    expect(before.records.map((r) => (r.inputs?.personalPlain as { prompt: string }).prompt)).toEqual([1, 3, 5, 7, 9].map((i) => `${SECRET} #${i}`));
    const keyRow = (await ledger.db.selectFrom('audit_subject_keys').select(['wrapped']).where('subject_ref', '=', before.subjectRef).executeTakeFirstOrThrow()).wrapped!;
    expect(fileBytes(env.file).includes(keyRow)).toBe(true); // the wrapped key is on disk until erased

    const res = await eraseSubject(ledger, 'alice@example.com', { kind: 'human', id: 'dpo@acme' });
    expect(res).toMatchObject({ keysDestroyed: 1, records: 5 });

    const after = await exportSubject(ledger, 'alice@example.com');
    expect(after.erased).toBe(true);
    expect(after.records.every((r) => r.inputs?.personalPlain === 'erased')).toBe(true);
    expect(after.records.every((r) => typeof r.inputs?.personal?.ct === 'string')).toBe(true); // ciphertext stays
    const bytes = fileBytes(env.file);
    expect(bytes.includes(keyRow)).toBe(false);
    expect(bytes.includes(Buffer.from(keyRow, 'base64'))).toBe(false);
    expect(bytes.includes(SECRET)).toBe(false);

    const bob = await exportSubject(ledger, 'bob@example.com');
    expect((bob.records[0]!.inputs?.personalPlain as { prompt: string }).prompt).toBe('Bob asks #0'); // others untouched

    const rep = await verifyLedger(ledger.db, loadAuditPublicKey({ dataDir: env.dir, env: {} }));
    expect(rep.firstProblem).toBeNull();
    expect(rep.ok).toBe(true);
  });

  it('gives a subject a new key for data recorded after an erasure', async () => {
    env = await sqliteLedger({ flushMs: 5 });
    await env.ledger.appendAndWait(requestEntry(1, { dataSubject: 'carol', personal: { note: 'old' } }));
    await eraseSubject(env.ledger, 'carol', { kind: 'human', id: 'dpo' });
    await env.ledger.appendAndWait(requestEntry(2, { dataSubject: 'carol', personal: { note: 'new' } }));
    const ex = await exportSubject(env.ledger, 'carol');
    expect(ex.records.map((r) => r.inputs?.personalPlain)).toEqual(['erased', { note: 'new' }]);
    expect(ex.erased).toBe(false);
  });
});
