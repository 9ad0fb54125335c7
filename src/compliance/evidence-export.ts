/**
 * Evidence bundles: `exportEvidence()` writes, for the records in a time range (optionally one
 * tenant), a folder an auditor can check offline with nothing but Node:
 * - `records.jsonl`: per record its canonical header text, hash, previous hash and payload parts;
 * - `proofs.jsonl`: an RFC 6962 inclusion proof of each record in the newest signed tree;
 * - `checkpoints.json`: the signed checkpoints and consistency proofs from each to the newest;
 * - `public-key.pem`, `verify.mjs` (the verifier), `report.html` (a summary for people);
 * - `manifest.json` (SHA-256 of every file, signed in `manifest.sig`).
 */
import { hash, sign } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../errors.js';
import { idAtOrAfter } from './audit-id.js';
import type { AuditLedger } from './audit-ledger.js';
import { LOG_ID } from './checkpoint.js';
import { renderEvidenceReport, type EvidenceReportData } from './evidence-report.js';
import { VERIFY_SCRIPT } from './evidence-script.js';
import { JOINED_COLUMNS, checkpointOfRow, headerOfRow, int, recordOfRow, type JoinedRow } from './ledger-rows.js';
import { MerkleTree, leafHash } from './merkle.js';
import { GENESIS_HASH, canonicalHeader } from './record-hash.js';
import { verifyLedger } from './verify-ledger.js';

/** What to export. Times in ms: `from` inclusive, `to` exclusive. */
export interface EvidenceOptions {
  outDir: string;
  from?: number;
  to?: number;
  tenant?: string;
  now?: number;
}

/** What was written. */
export interface EvidenceSummary {
  outDir: string;
  records: number;
  checkpoints: number;
  treeSize: number;
  ledgerVerified: boolean;
  files: Record<string, string>;
}

const PAGE = 5000;

/**
 * Writes an evidence bundle (see the module comment). Signs a fresh checkpoint first so every
 * record committed so far can be proven.
 * @example
 * ```ts
 * await exportEvidence(ledger, { outDir: 'evidence-q3', from: Date.parse('2026-07-01'), to: Date.parse('2026-10-01') });
 * ```
 */
export async function exportEvidence(ledger: AuditLedger, opts: EvidenceOptions): Promise<EvidenceSummary> {
  const db = ledger.db;
  await ledger.flush();
  await ledger.checkpoint();
  const verified = await verifyLedger(db, ledger.signer);
  const cpRows = (await db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size').execute()).map(checkpointOfRow);
  const latest = cpRows[cpRows.length - 1] ?? null;
  const treeSize = latest?.treeSize ?? 0;

  const leaves: Buffer[] = [];
  for (let after = 0; after < treeSize; ) {
    const page = await db.selectFrom('audit_records').select(['seq', 'hash']).where('seq', '>', after).where('seq', '<=', treeSize).orderBy('seq').limit(PAGE).execute();
    if (page.length === 0) break;
    for (const r of page) leaves.push(Buffer.from(r.hash, 'hex'));
    after = int(page[page.length - 1]!.seq);
  }
  if (leaves.length !== treeSize) throw new InternalError(`the ledger has ${leaves.length} records under checkpoint ${treeSize}; run 'daca audit verify'`);
  const tree = new MerkleTree(leaves.map((l) => leafHash(l)));

  const lines: string[] = [];
  const proofs: string[] = [];
  const reportRecords: EvidenceReportData['records'] = [];
  for (let after = 0; ; ) {
    let q = db.selectFrom('audit_records as r').leftJoin('audit_payloads as p', 'p.seq', 'r.seq').select(JOINED_COLUMNS).where('r.seq', '>', after).where('r.seq', '<=', treeSize);
    if (opts.from !== undefined) q = q.where('r.id', '>=', idAtOrAfter(opts.from)).where('r.ts', '>=', opts.from);
    if (opts.to !== undefined) q = q.where('r.id', '<', idAtOrAfter(opts.to)).where('r.ts', '<', opts.to);
    if (opts.tenant !== undefined) q = q.where('r.tenant', '=', opts.tenant);
    const page = (await q.orderBy('r.seq').limit(PAGE).execute()) as JoinedRow[];
    for (const row of page) {
      const seq = int(row.seq);
      const prev = seq > 1 ? leaves[seq - 2]!.toString('hex') : GENESIS_HASH;
      lines.push(JSON.stringify({ seq, id: row.id, hash: row.hash, prev_hash: prev, header: canonicalHeader(headerOfRow(row), seq), body: row.body, inputs: row.inputs }));
      proofs.push(JSON.stringify({ seq, tree_size: treeSize, path: tree.inclusionProof(seq - 1).map((h) => h.toString('hex')) }));
      const rec = recordOfRow(row);
      reportRecords.push({ seq, id: rec.id, ts: rec.ts, tenant: rec.tenant, kind: rec.kind, actor: `${rec.actor.kind}:${rec.actor.id}`, agent: rec.agent, requestId: rec.refs.requestId ?? null, body: rec.body });
    }
    if (page.length < PAGE) break;
    after = int(page[page.length - 1]!.seq);
  }

  const firstSeq = reportRecords[0]?.seq ?? treeSize;
  const shownCps = cpRows.filter((c) => c.treeSize >= firstSeq || c === latest).slice(-1000);
  const checkpoints = {
    log: LOG_ID,
    latest: treeSize,
    checkpoints: shownCps.map((c) => ({ tree_size: c.treeSize, ts: c.ts, root_hash: c.rootHash, head_hash: c.headHash, key_id: c.keyId, signature: c.signature })),
    consistency: shownCps.filter((c) => c.treeSize < treeSize).map((c) => ({ from: c.treeSize, to: treeSize, proof: tree.consistencyProof(c.treeSize, treeSize).map((h) => h.toString('hex')) })),
  };
  const now = opts.now ?? Date.now();
  const files: Record<string, string> = {
    'records.jsonl': lines.length ? lines.join('\n') + '\n' : '',
    'proofs.jsonl': proofs.length ? proofs.join('\n') + '\n' : '',
    'checkpoints.json': JSON.stringify(checkpoints, null, 2) + '\n',
    'public-key.pem': ledger.signer.publicPem,
    'verify.mjs': VERIFY_SCRIPT,
    'report.html': renderEvidenceReport({
      createdAt: now, from: opts.from ?? null, to: opts.to ?? null, tenant: opts.tenant ?? null, treeSize, keyId: ledger.signer.keyId,
      ledgerVerified: verified.ok, ledgerProblem: verified.firstProblem?.message ?? null,
      checkpoints: shownCps.map((c) => ({ treeSize: c.treeSize, ts: c.ts, rootHash: c.rootHash })), records: reportRecords,
    }),
  };
  await mkdir(opts.outDir, { recursive: true });
  const digests: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(opts.outDir, name), text);
    digests[name] = hash('sha256', text, 'hex');
  }
  const manifest = JSON.stringify(
    {
      format: 'daca-audit-evidence/1', created_at: new Date(now).toISOString(), from: opts.from ?? null, to: opts.to ?? null, tenant: opts.tenant ?? null,
      records: lines.length, checkpoints: shownCps.length, tree_size: treeSize, key_id: ledger.signer.keyId,
      ledger_verified: verified.ok, files: digests,
    },
    null,
    2,
  );
  await writeFile(join(opts.outDir, 'manifest.json'), manifest);
  if (!ledger.signer.privateKey) throw new InternalError('exporting evidence needs the audit signing key');
  await writeFile(join(opts.outDir, 'manifest.sig'), sign(null, Buffer.from(manifest), ledger.signer.privateKey).toString('base64') + '\n');
  return { outDir: opts.outDir, records: lines.length, checkpoints: shownCps.length, treeSize, ledgerVerified: verified.ok, files: digests };
}
