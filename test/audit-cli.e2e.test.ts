/**
 * `daca audit` and `daca subjects` as a user runs them (the built CLI, no server), on a ledger
 * written to `.daca/` — including the acceptance check's tampering: the first audit table, the
 * first payload-like column, the middle row, edited straight in the SQLite file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAuditLedger } from '../src/compliance/audit-ledger.js';
import { requestEntry } from '../src/compliance/test-support.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { DACA_BIN } from './support/daca-process.js';

const exec = promisify(execFile);
/** Each test runs the CLI several times; on a loaded machine one run can take ~10 s to start. */
const CLI_TIMEOUT = 240_000;
let cwd: string;

async function daca(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await exec(process.execPath, [DACA_BIN, ...args], { cwd, env: { ...process.env, DACA_DATABASE_URL: '', DACA_DATA_DIR: '' } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'daca-audit-cli-'));
  const dataDir = join(cwd, '.daca');
  const store = await openSqliteStore(join(dataDir, 'daca.db'));
  const ledger = await openAuditLedger({ store, dataDir, env: {}, flushMs: 5, checkpointEvery: 5 });
  for (let i = 0; i < 20; i++) ledger.append(requestEntry(i, i === 3 ? { dataSubject: 'erin@example.com', personal: { name: 'Erin Example' } } : {}));
  await ledger.close();
  await store.close();
});

describe('daca audit / subjects (built CLI)', () => {
  it('explains, exports a bundle that verifies offline, and serves data subjects', async () => {
    const ex = await daca('audit', 'explain', 'req_3', '--json');
    expect(ex.code).toBe(0);
    expect(JSON.parse(ex.out)).toMatchObject({ requestId: 'req_3', verdict: 'allowed', agent: 'support-bot' });

    const list = await daca('audit', 'list', '--session', 'sess_0', '--json');
    expect(JSON.parse(list.out)).toHaveLength(7);

    const exp = await daca('audit', 'export', '--out', 'bundle');
    expect(exp.code).toBe(0);
    expect(exp.out).toContain('wrote 20 records');
    const { stdout } = await exec(process.execPath, ['verify.mjs'], { cwd: join(cwd, 'bundle') });
    expect(stdout).toContain('OK: 20 records');

    const before = JSON.parse((await daca('subjects', 'export', 'erin@example.com')).out);
    expect(before.records[0].personal).toEqual({ name: 'Erin Example' });
    const erased = await daca('subjects', 'erase', 'erin@example.com');
    expect(erased.out).toContain('1 key(s) destroyed');
    const after = JSON.parse((await daca('subjects', 'export', 'erin@example.com')).out);
    expect(after).toMatchObject({ erased: true, records: [{ personal: 'erased' }] });
  }, CLI_TIMEOUT);

  it('verify passes on the untouched ledger and fails, naming the record, after a direct edit of the file', async () => {
    const ok = await daca('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK: 2\d records/);

    const db = new Database(join(cwd, '.daca', 'daca.db'));
    const t = (db.prepare(`select name from sqlite_master where type='table'`).all() as { name: string }[]).map((r) => r.name).find((n) => /audit|ledger/i.test(n) && !/checkpoint|key/i.test(n))!;
    const cols = (db.prepare(`pragma table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    const col = cols.find((c) => /payload|data|record|body|event|decision/i.test(c)) ?? cols[cols.length - 1]!;
    const rows = db.prepare(`select rowid from ${t} order by rowid`).all() as { rowid: number }[];
    const mid = rows[Math.floor(rows.length / 2)]!.rowid;
    const v = (db.prepare(`select ${col} as v from ${t} where rowid=?`).get(mid) as { v: unknown }).v;
    db.prepare(`update ${t} set ${col}=? where rowid=?`).run(typeof v === 'string' ? v + ' ' : ((v as number) ?? 0) + 1, mid);
    db.close();

    const bad = await daca('audit', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`first broken record: seq ${mid}`);
    const json = JSON.parse((await daca('audit', 'verify', '--json')).out);
    expect(json.ok).toBe(false);
  }, CLI_TIMEOUT);

  it('fails with a clear message where there is no store', async () => {
    const r = await exec(process.execPath, [DACA_BIN, 'audit', 'verify', '--data-dir', join(cwd, 'nowhere')]).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toMatch(/no daca store at/);
  }, CLI_TIMEOUT);
});
