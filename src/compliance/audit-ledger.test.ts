import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAuditPublicKey } from './key-material.js';
import { requestEntry, sqliteLedger } from './test-support.js';
import { verifyLedger } from './verify-ledger.js';

type Env = Awaited<ReturnType<typeof sqliteLedger>>;
let env: Env | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

async function filled(n: number, checkpointEvery = 8): Promise<Env> {
  env = await sqliteLedger({ checkpointEvery, flushMs: 5 });
  for (let i = 0; i < n; i++) env.ledger.append(requestEntry(i));
  await env.ledger.flush();
  await env.ledger.checkpoint();
  return env;
}

/** Runs SQL directly on the database file, as an attacker with file access would. */
function tamper(file: string, ...stmts: string[]): void {
  const db = new Database(file);
  for (const s of stmts) db.exec(s);
  db.close();
}

const verify = (e: Env) => verifyLedger(e.ledger.db, loadAuditPublicKey({ dataDir: e.dir, env: {} }));

describe('audit ledger on SQLite', () => {
  it('appends batched and strict records that chain, checkpoint and verify', async () => {
    const e = await filled(30);
    const r = await e.ledger.appendAndWait(requestEntry(99));
    expect(r.seq).toBe(31);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    await e.ledger.checkpoint();
    const rep = await verify(e);
    expect(rep.firstProblem).toBeNull();
    expect(rep).toMatchObject({ ok: true, records: 31, verifiedThrough: 31, unanchored: 0 });
    expect(rep.checkpoints).toBeGreaterThanOrEqual(2);
  });

  it('detects an edited payload and names the record', async () => {
    const e = await filled(20);
    tamper(e.file, `UPDATE audit_payloads SET inputs = replace(inputs, 'audit me 9', 'audit ME 9') WHERE seq = 10`);
    const rep = await verify(e);
    expect(rep.ok).toBe(false);
    expect(rep.firstProblem).toMatchObject({ kind: 'inputs_hash_mismatch', seq: 10 });
  });

  it('detects an edited header column (as the acceptance script does) on the middle row', async () => {
    const e = await filled(20);
    tamper(e.file, `UPDATE audit_records SET body_hash = body_hash || ' ' WHERE rowid = 11`);
    const rep = await verify(e);
    expect(rep.firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 11 });
  });

  it('detects an edit whose hashes were recomputed to the end, through the signed checkpoint', async () => {
    const e = await filled(16, 16);
    // Rewrite record 5's agent and every stored hash after it so the chain is self-consistent again.
    const db = new Database(e.file);
    db.prepare(`UPDATE audit_records SET agent = 'someone-else' WHERE seq = 5`).run();
    const { canonicalHeader, chainHash } = await import('./record-hash.js');
    const { headerOfRow } = await import('./ledger-rows.js');
    let prev: Buffer = Buffer.from((db.prepare('SELECT hash FROM audit_records WHERE seq = 4').get() as { hash: string }).hash, 'hex');
    for (const row of db.prepare('SELECT * FROM audit_records WHERE seq >= 5 ORDER BY seq').all() as never[]) {
      const h = chainHash(prev, canonicalHeader(headerOfRow(row), (row as { seq: number }).seq));
      db.prepare('UPDATE audit_records SET hash = ? WHERE seq = ?').run(h.toString('hex'), (row as { seq: number }).seq);
      prev = h;
    }
    db.close();
    const rep = await verify(e);
    expect(rep.ok).toBe(false);
    expect(rep.firstProblem?.kind).toBe('checkpoint_root_mismatch');
    expect(rep.firstProblem?.message).toMatch(/records 1\.\.16/);
  });

  it('detects a deleted record', async () => {
    const e = await filled(20);
    tamper(e.file, 'DELETE FROM audit_records WHERE seq = 7', 'DELETE FROM audit_payloads WHERE seq = 7');
    const rep = await verify(e);
    expect(rep.firstProblem).toMatchObject({ kind: 'sequence_gap', seq: 8 });
  });

  it('detects records deleted from the end through the checkpoint', async () => {
    const e = await filled(20);
    tamper(e.file, 'DELETE FROM audit_records WHERE seq > 18', 'DELETE FROM audit_payloads WHERE seq > 18');
    const rep = await verify(e);
    expect(rep.ok).toBe(false);
    expect(rep.problems.map((p) => p.kind)).toContain('checkpoint_beyond_head');
  });

  it('detects an inserted record', async () => {
    const e = await filled(20);
    tamper(
      e.file,
      'UPDATE audit_records SET seq = seq + 1000 WHERE seq >= 12',
      'UPDATE audit_records SET seq = seq - 999 WHERE seq >= 1012',
      `INSERT INTO audit_records SELECT 12, 'aud_forged', ts, tenant, kind, actor_kind, actor_id, agent, request_id, session, trace_id, subject_ref, class, body_hash, inputs_hash, hash FROM audit_records WHERE seq = 11`,
    );
    const rep = await verify(e);
    expect(rep.firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 12, id: 'aud_forged' });
  });

  it('detects two reordered records', async () => {
    const e = await filled(20);
    tamper(e.file, 'UPDATE audit_records SET seq = -1 WHERE seq = 5', 'UPDATE audit_records SET seq = 5 WHERE seq = 6', 'UPDATE audit_records SET seq = 6 WHERE seq = -1');
    const rep = await verify(e);
    expect(rep.firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 5 });
  });

  it('detects a forged checkpoint signature and a checkpoint signed by another key', async () => {
    const e = await filled(20);
    const db = new Database(e.file);
    const cp = db.prepare('SELECT * FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1').get() as { tree_size: number; signature: string };
    const sig = Buffer.from(cp.signature, 'base64');
    sig[5] ^= 1;
    db.prepare('UPDATE audit_checkpoints SET signature = ? WHERE tree_size = ?').run(sig.toString('base64'), cp.tree_size);
    db.close();
    let rep = await verify(e);
    expect(rep.firstProblem).toMatchObject({ kind: 'checkpoint_signature', checkpoint: cp.tree_size });

    // Re-sign a different root with an attacker's own key: the key id no longer matches the trusted one.
    const { generateKeyPairSync } = await import('node:crypto');
    const { signCheckpoint } = await import('./checkpoint.js');
    const { MerkleFrontier } = await import('./merkle.js');
    const { keyIdOf } = await import('./key-material.js');
    const kp = generateKeyPairSync('ed25519');
    const forged = signCheckpoint({ privateKey: kp.privateKey, publicKey: kp.publicKey, publicPem: '', keyId: keyIdOf(kp.publicKey) }, new MerkleFrontier(), 'ff'.repeat(32), 1);
    tamper(e.file, `UPDATE audit_checkpoints SET key_id = '${forged.keyId}', signature = '${forged.signature}' WHERE tree_size = ${cp.tree_size}`);
    rep = await verify(e);
    expect(rep.problems.map((p) => p.kind)).toContain('checkpoint_key');
  });

  it('gives concurrent strict appends distinct, contiguous sequence numbers', async () => {
    env = await sqliteLedger({ flushMs: 1000 });
    const receipts = await Promise.all(Array.from({ length: 200 }, (_, i) => env!.ledger.appendAndWait(requestEntry(i))));
    const seqs = receipts.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(receipts.map((r) => r.id)).size).toBe(200);
    // 200 strict appends issued in one tick share far fewer transactions than records.
    const db = new Database(env.file, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM audit_records').get() as { n: number }).n).toBe(200);
    db.close();
    expect((await verify(env)).ok).toBe(true);
  });
});
