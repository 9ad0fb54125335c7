/**
 * Erasure on the real write path: the built `daca up` (audit worker thread on SQLite) records
 * agents' decisions carrying personal data for many data subjects (`POST /api/audit/events`),
 * enough that the subject-key table's pages split and are rewritten. After `daca subjects erase`
 * neither the subject's plaintext nor its key (wrapped, or the raw bytes) can be found anywhere in
 * the database file, its WAL or its shared-memory index, other subjects stay readable, and
 * `daca audit verify` passes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createKey, runDaca, startDacaProcess } from './support/daca-process.js';

const SUBJECTS = 120;
const TARGET = 57; // a subject in the middle of the key table
const secretOf = (i: number): string => `Patient ${i}: Jane Q. Doe-${i}, IBAN DE89 3704 0044 0532 ${String(i).padStart(4, '0')} 00`;

/** Every byte of the SQLite store: the database file, its WAL and its shared-memory index. */
function storeBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((f) => readFileSync(f)));
}

describe('daca subjects erase on the audit worker path', () => {
  it('leaves neither plaintext nor key bytes in the SQLite file or WAL, and the ledger still verifies', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'daca-erasure-'));
    writeFileSync(join(cwd, 'daca.yaml'), 'providers:\n  sim: { kind: sim }\nmodels:\n  quick: { provider: sim, upstream: sim-small }\n');
    const env = { DACA_DATABASE_URL: '', DACA_DATA_DIR: join(cwd, '.daca') };
    const d = await startDacaProcess({ cwd, env, startTimeoutMs: 90_000 });
    const { key } = await createKey(d.url, d.adminKey, { agent: 'intake' });
    const post = (i: number, n: number) =>
      fetch(`${d.url}/api/audit/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          session: `case-${i}`, data_subject: `subject-${i}@example.com`,
          decision: { action: 'approved', summary: `intake form ${n} accepted` }, personal: { form: secretOf(i), n },
        }),
      });
    for (let n = 0; n < 2; n++) {
      const res = await Promise.all(Array.from({ length: SUBJECTS }, (_, i) => post(i, n)));
      expect(res.map((r) => r.status)).toEqual(res.map(() => 201));
    }
    expect(await d.stop('SIGTERM')).toBe(0);

    const file = join(cwd, '.daca', 'daca.db');
    const before = await runDaca(['subjects', 'export', `subject-${TARGET}@example.com`], { cwd, env });
    expect(JSON.parse(before.stdout).records.map((r: { personal: { form: string } }) => r.personal.form)).toEqual([secretOf(TARGET), secretOf(TARGET)]);
    const subjectRef = JSON.parse(before.stdout).subject_ref as string;
    const db = new Database(file, { readonly: true });
    const wrapped = (db.prepare('SELECT wrapped FROM audit_subject_keys WHERE subject_ref = ?').all(subjectRef) as { wrapped: string }[]).map((r) => r.wrapped);
    const keyCount = (db.prepare('SELECT count(*) AS n FROM audit_subject_keys').get() as { n: number }).n;
    db.close();
    expect(wrapped).toHaveLength(1);
    expect(keyCount).toBeGreaterThanOrEqual(SUBJECTS);
    expect(storeBytes(file).includes(wrapped[0]!)).toBe(true); // the check below can find it when it is there
    expect(storeBytes(file).includes(secretOf(TARGET))).toBe(false); // encrypted at rest from the start

    const erased = await runDaca(['subjects', 'erase', `subject-${TARGET}@example.com`], { cwd, env });
    expect(erased.stdout + erased.stderr).toContain('1 key(s) destroyed');

    const bytes = storeBytes(file);
    expect(bytes.includes(wrapped[0]!), 'the wrapped key (base64) is still in the store files').toBe(false);
    expect(bytes.includes(Buffer.from(wrapped[0]!, 'base64')), 'the wrapped key (raw) is still in the store files').toBe(false);
    expect(bytes.includes(secretOf(TARGET))).toBe(false);

    const after = JSON.parse((await runDaca(['subjects', 'export', `subject-${TARGET}@example.com`], { cwd, env })).stdout);
    expect(after).toMatchObject({ erased: true, records: [{ personal: 'erased' }, { personal: 'erased' }] });
    const other = JSON.parse((await runDaca(['subjects', 'export', `subject-${TARGET + 1}@example.com`], { cwd, env })).stdout);
    expect(other.records[0].personal.form).toBe(secretOf(TARGET + 1));

    const verify = await runDaca(['audit', 'verify'], { cwd, env });
    expect(verify.stdout).toMatch(/^OK: \d+ records/);
    expect(verify.code).toBe(0);
  }, 300_000);
});
