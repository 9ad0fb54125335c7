/**
 * The source of `verify.mjs`, the standalone verifier shipped in every evidence bundle. It uses
 * only Node built-ins, so an auditor needs nothing but Node to check a bundle offline:
 * `node verify.mjs` in the bundle's folder exits 0 when every check passes, 1 otherwise.
 */

/** The verifier's source text. */
export const VERIFY_SCRIPT = String.raw`#!/usr/bin/env node
// daca audit evidence verifier. Uses only Node built-ins. Usage: node verify.mjs [bundle-dir]
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? new URL('.', import.meta.url).pathname;
const read = (f) => readFileSync(join(dir, f));
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const failures = [];
const fail = (m) => { if (failures.length < 50) failures.push(m); };

// RFC 8785 canonical JSON (enough for the statements this bundle signs).
const jcs = (v) => v === null || typeof v !== 'object' ? JSON.stringify(v)
  : Array.isArray(v) ? '[' + v.map(jcs).join(',') + ']'
  : '{' + Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + jcs(v[k])).join(',') + '}';

const leafHash = (d) => createHash('sha256').update(Buffer.from([0])).update(d).digest();
const nodeHash = (l, r) => createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();

function verifyInclusion(leaf, index, size, proof, root) {
  if (!(index >= 0 && index < size)) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

function verifyConsistency(size1, size2, proof, root1, root2) {
  if (!(size1 > 0 && size1 <= size2)) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = size1 - 1, sn = size2 - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else sr = nodeHash(sr, c);
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

const hex = (h) => Buffer.from(h, 'hex');
let manifest, publicKey;
try {
  publicKey = createPublicKey(read('public-key.pem'));
  const keyId = sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
  const mText = read('manifest.json');
  manifest = JSON.parse(mText.toString('utf8'));
  if (!verify(null, mText, publicKey, Buffer.from(read('manifest.sig').toString('utf8').trim(), 'base64'))) fail('manifest.json: signature does not verify under public-key.pem');
  if (manifest.key_id !== keyId) fail('manifest.json names key ' + manifest.key_id + ', but public-key.pem is ' + keyId);
  for (const [file, digest] of Object.entries(manifest.files)) {
    let got = null;
    try { got = sha256(read(file)); } catch { fail(file + ': missing'); continue; }
    if (got !== digest) fail(file + ': SHA-256 ' + got + ' does not match the manifest (' + digest + ')');
  }

  const cps = JSON.parse(read('checkpoints.json').toString('utf8'));
  for (const c of cps.checkpoints) {
    const statement = jcs({ log: cps.log, v: 1, tree_size: c.tree_size, ts: c.ts, root_hash: c.root_hash, head_hash: c.head_hash, key_id: c.key_id });
    if (c.key_id !== keyId || !verify(null, Buffer.from(statement), publicKey, Buffer.from(c.signature, 'base64'))) fail('checkpoint ' + c.tree_size + ': bad signature');
  }
  const latest = cps.checkpoints.find((c) => c.tree_size === cps.latest);
  if (!latest) fail('checkpoints.json: the latest checkpoint ' + cps.latest + ' is missing');
  for (const p of cps.consistency ?? []) {
    const a = cps.checkpoints.find((c) => c.tree_size === p.from), b = cps.checkpoints.find((c) => c.tree_size === p.to);
    if (!a || !b || !verifyConsistency(p.from, p.to, p.proof.map(hex), hex(a.root_hash), hex(b.root_hash))) fail('consistency ' + p.from + ' -> ' + p.to + ': proof fails (the log was rewritten between them)');
  }

  const proofs = new Map(read('proofs.jsonl').toString('utf8').split('\n').filter(Boolean).map((l) => { const p = JSON.parse(l); return [p.seq, p]; }));
  let n = 0;
  for (const line of read('records.jsonl').toString('utf8').split('\n').filter(Boolean)) {
    n++;
    let r;
    try { r = JSON.parse(line); } catch { fail('records.jsonl line ' + n + ': not JSON'); continue; }
    const h = JSON.parse(r.header);
    const computed = createHash('sha256').update(hex(r.prev_hash)).update(r.header, 'utf8').digest('hex');
    if (computed !== r.hash) fail('record ' + r.seq + ' (' + r.id + '): hash does not match its header');
    if (h.seq !== r.seq || h.id !== r.id) fail('record ' + r.seq + ': header names seq ' + h.seq + ' / id ' + h.id);
    if (r.body !== null && sha256(Buffer.from(r.body, 'utf8')) !== h.body_hash) fail('record ' + r.seq + ': body does not match body_hash');
    if (r.inputs !== null && sha256(Buffer.from(r.inputs, 'utf8')) !== h.inputs_hash) fail('record ' + r.seq + ': inputs do not match inputs_hash');
    const p = proofs.get(r.seq);
    if (!p || !latest || !verifyInclusion(leafHash(hex(r.hash)), r.seq - 1, p.tree_size, p.path.map(hex), hex(latest.root_hash)) || p.tree_size !== latest.tree_size)
      fail('record ' + r.seq + ': not proven to be in the signed tree of ' + (latest ? latest.tree_size : '?'));
  }
  if (n !== manifest.records) fail('records.jsonl has ' + n + ' records, the manifest says ' + manifest.records);
} catch (e) {
  fail('cannot read the bundle: ' + (e instanceof Error ? e.message : String(e)));
}
if (failures.length) {
  console.log('FAIL: ' + failures.length + ' problem(s)');
  for (const f of failures) console.log('  - ' + f);
  process.exit(1);
}
console.log('OK: ' + manifest.records + ' records, ' + manifest.checkpoints + ' checkpoints; every record is in the tree of ' + manifest.tree_size + ' signed by key ' + manifest.key_id);
`;
