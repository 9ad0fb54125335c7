/**
 * The ledger on PostgreSQL: the same code through Kysely, tampering done directly in the database,
 * two writers (as two daca nodes would be) appending to one chain, erasure and evidence export.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import type { Store } from '../store/types.js';
import { openAuditLedger, type AuditLedger } from './audit-ledger.js';
import { loadAuditPublicKey } from './key-material.js';
import { eraseSubject, exportSubject } from './subjects.js';
import { requestEntry } from './test-support.js';
import { verifyLedger } from './verify-ledger.js';

const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomUUID().replace(/-/g, '').slice(0, 10);
const schemas: string[] = [];
let n = 0;
const open: { store: Store; ledger: AuditLedger }[] = [];

async function sqlDirect(schema: string, ...stmts: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  try {
    await c.query(`SET search_path TO ${schema}`);
    for (const s of stmts) await c.query(s);
  } finally {
    await c.end();
  }
}

async function fresh(opts: { records?: number; checkpointEvery?: number } = {}) {
  const schema = `daca_audit_${run}_${n++}`;
  schemas.push(schema);
  const dir = mkdtempSync(join(tmpdir(), 'daca-audit-pg-'));
  const store = await openPostgresStore(URL, { schema });
  const ledger = await openAuditLedger({ store, dataDir: dir, env: {}, flushMs: 5, checkpointEvery: opts.checkpointEvery ?? 8 });
  open.push({ store, ledger });
  for (let i = 0; i < (opts.records ?? 20); i++) ledger.append(requestEntry(i));
  await ledger.flush();
  await ledger.checkpoint();
  const verify = () => verifyLedger(ledger.db, loadAuditPublicKey({ dataDir: dir, env: {} }));
  return { schema, dir, store, ledger, verify };
}

afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.ledger.close();
    await o.store.close();
  }
});
afterAll(async () => {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

describe('audit ledger on PostgreSQL', () => {
  it('verifies an untouched ledger', async () => {
    const e = await fresh();
    expect((await e.verify()).firstProblem).toBeNull();
  });

  it('detects an updated row', async () => {
    const e = await fresh();
    await sqlDirect(e.schema, `UPDATE audit_records SET session = 'forged' WHERE seq = 10`);
    expect((await e.verify()).firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 10 });
  });

  it('detects an edited payload', async () => {
    const e = await fresh();
    await sqlDirect(e.schema, `UPDATE audit_payloads SET body = replace(body, '"allowed"', '"blocked"') WHERE seq = 4`);
    expect((await e.verify()).firstProblem).toMatchObject({ kind: 'body_hash_mismatch', seq: 4 });
  });

  it('detects a deleted row', async () => {
    const e = await fresh();
    await sqlDirect(e.schema, 'DELETE FROM audit_records WHERE seq = 13');
    expect((await e.verify()).firstProblem).toMatchObject({ kind: 'sequence_gap', seq: 14 });
  });

  it('detects an inserted row', async () => {
    const e = await fresh();
    await sqlDirect(
      e.schema,
      'UPDATE audit_records SET seq = seq + 1000 WHERE seq >= 6',
      'UPDATE audit_records SET seq = seq - 999 WHERE seq >= 1006',
      `INSERT INTO audit_records SELECT 6, 'aud_inserted', ts, tenant, kind, actor_kind, actor_id, agent, request_id, session, trace_id, subject_ref, class, body_hash, inputs_hash, hash FROM audit_records WHERE seq = 5`,
    );
    expect((await e.verify()).firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 6, id: 'aud_inserted' });
  });

  it('detects reordered rows', async () => {
    const e = await fresh();
    await sqlDirect(e.schema, 'UPDATE audit_records SET seq = -1 WHERE seq = 2', 'UPDATE audit_records SET seq = 2 WHERE seq = 3', 'UPDATE audit_records SET seq = 3 WHERE seq = -1');
    expect((await e.verify()).firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 2 });
  });

  it('detects a forged checkpoint', async () => {
    const e = await fresh();
    await sqlDirect(e.schema, `UPDATE audit_checkpoints SET root_hash = repeat('0', 64) WHERE tree_size = (SELECT max(tree_size) FROM audit_checkpoints)`);
    const rep = await e.verify();
    expect(rep.ok).toBe(false);
    expect(rep.problems.map((p) => p.kind)).toContain('checkpoint_signature');
  });

  it('detects a checkpoint re-signed with another key (a valid signature, but not by the trusted key)', async () => {
    const e = await fresh();
    const { generateKeyPairSync } = await import('node:crypto');
    const { signCheckpoint } = await import('./checkpoint.js');
    const { MerkleFrontier } = await import('./merkle.js');
    const { keyIdOf } = await import('./key-material.js');
    const kp = generateKeyPairSync('ed25519');
    const forged = signCheckpoint({ privateKey: kp.privateKey, publicKey: kp.publicKey, publicPem: '', keyId: keyIdOf(kp.publicKey) }, new MerkleFrontier(), 'ff'.repeat(32), 1);
    await sqlDirect(e.schema, `UPDATE audit_checkpoints SET key_id = '${forged.keyId}', signature = '${forged.signature}' WHERE tree_size = (SELECT max(tree_size) FROM audit_checkpoints)`);
    const rep = await e.verify();
    expect(rep.ok).toBe(false);
    expect(rep.problems.map((p) => p.kind)).toContain('checkpoint_key');
  });

  it('detects records deleted from the end, through the checkpoint', async () => {
    const e = await fresh();
    await sqlDirect(e.schema, 'DELETE FROM audit_payloads WHERE seq > 18', 'DELETE FROM audit_records WHERE seq > 18');
    const rep = await e.verify();
    expect(rep.ok).toBe(false);
    expect(rep.problems.map((p) => p.kind)).toContain('checkpoint_beyond_head');
  });

  it('keeps one chain when two writers (nodes) append concurrently', async () => {
    const e = await fresh({ records: 0 });
    const second = await openAuditLedger({ store: e.store, dataDir: e.dir, env: {}, flushMs: 2, checkpointEvery: 50 });
    open.push({ store: e.store, ledger: second });
    const strict = [];
    for (let i = 0; i < 300; i++) {
      (i % 2 ? e.ledger : second).append(requestEntry(i));
      if (i % 10 === 0) strict.push((i % 3 ? e.ledger : second).appendAndWait(requestEntry(1000 + i)));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all([e.ledger.flush(), second.flush(), ...strict]);
    await e.ledger.checkpoint();
    const rep = await e.verify();
    expect(rep.firstProblem).toBeNull();
    expect(rep.records).toBe(330);
  });

  it('erases a data subject: unreadable afterwards, chain still verifies', async () => {
    const e = await fresh({ records: 0 });
    for (let i = 0; i < 4; i++) e.ledger.append(requestEntry(i, { dataSubject: 'dana', personal: { email: 'dana@example.com' } }));
    await e.ledger.flush();
    expect((await exportSubject(e.ledger, 'dana')).records[0]!.inputs?.personalPlain).toEqual({ email: 'dana@example.com' });
    await eraseSubject(e.ledger, 'dana', { kind: 'human', id: 'dpo' });
    const ex = await exportSubject(e.ledger, 'dana');
    expect(ex.erased).toBe(true);
    expect(ex.records.every((r) => r.inputs?.personalPlain === 'erased')).toBe(true);
    expect((await e.verify()).firstProblem).toBeNull();
  });
});
