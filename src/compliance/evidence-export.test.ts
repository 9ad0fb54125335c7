import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { exportEvidence } from './evidence-export.js';
import { requestEntry, sqliteLedger } from './test-support.js';

const run = promisify(execFile);
type Env = Awaited<ReturnType<typeof sqliteLedger>>;
let env: Env | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** Runs the bundle's own verify.mjs from a copy of the bundle in a fresh temp dir (no daca around). */
async function verifyOffline(bundle: string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'daca-evidence-copy-'));
  cpSync(bundle, dir, { recursive: true });
  try {
    const r = await run(process.execPath, ['verify.mjs'], { cwd: dir });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const x = e as { code: number; stdout: string };
    return { code: x.code, out: x.stdout };
  }
}

describe('evidence export', () => {
  it('writes a bundle that verifies offline, for a time range and tenant, and fails when one byte changes', async () => {
    env = await sqliteLedger({ checkpointEvery: 7, flushMs: 5 });
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 40; i++) env.ledger.append(requestEntry(i, { ts: t0 + i * 60_000, tenant: i % 4 === 0 ? 'other' : 'acme', personal: { email: `user${i}@example.com` }, dataSubject: `user${i}` }));
    await env.ledger.flush();
    const out = join(env.dir, 'bundle');
    const s = await exportEvidence(env.ledger, { outDir: out, from: t0 + 10 * 60_000, to: t0 + 30 * 60_000, tenant: 'acme' });
    expect(s).toMatchObject({ records: 15, treeSize: 40, ledgerVerified: true });
    const first = JSON.parse(readFileSync(join(out, 'records.jsonl'), 'utf8').split('\n')[0]!);
    expect(first.seq).toBe(11);
    expect(readFileSync(join(out, 'records.jsonl'), 'utf8')).not.toContain('user11@example.com');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Records by kind');

    const ok = await verifyOffline(out);
    expect(ok.out).toContain('OK: 15 records');
    expect(ok.code).toBe(0);

    // One byte of records.jsonl changed ('audit me 11' -> 'audit me 1l').
    const file = join(out, 'records.jsonl');
    const bytes = readFileSync(file);
    const at = bytes.indexOf('audit me 11');
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] = 'l'.charCodeAt(0);
    writeFileSync(file, bytes);
    const bad = await verifyOffline(out);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/records\.jsonl: SHA-256/);
    expect(bad.out).toMatch(/record 12: inputs do not match/);
  });

  it('rejects a bundle whose manifest was re-hashed after the change (the signature no longer matches)', async () => {
    env = await sqliteLedger({ flushMs: 5 });
    for (let i = 0; i < 5; i++) env.ledger.append(requestEntry(i));
    const out = join(env.dir, 'bundle');
    await exportEvidence(env.ledger, { outDir: out });
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    m.records = 4;
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(m, null, 2));
    const bad = await verifyOffline(out);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('manifest.json: signature does not verify');
  });
});
