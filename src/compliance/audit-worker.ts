/**
 * Worker thread that owns the ledger's SQLite write connection: prepares raw entry batches (subject
 * keys, encryption, canonical JSON, hashes, chaining), inserts them and signs checkpoints, beside
 * the event loop instead of on it (see {@link EntryLedgerCore}).
 * In: `{ id, op: 'append', batch, want }` (a {@link WireBatch}) | `{ id, op: 'checkpoint', now }`
 * | `{ op: 'forget', refs }` | `{ op: 'close' }`.
 * Out: `{ id, result }` | `{ id, error, code }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EntryLedgerCore } from './entry-ledger-core.js';
import { signerFromPrivatePem } from './key-material.js';
import { openLedgerConnection, type SqliteSync } from './ledger-appender.js';
import type { WireBatch } from './wire-codec.js';

const { file, privatePem, master, sync, busyTimeoutMs } = workerData as { file: string; privatePem: string; master: string; sync: SqliteSync; busyTimeoutMs: number };
const db = openLedgerConnection(file, sync, busyTimeoutMs);
db.pragma('cache_size = -65536');
// Checkpoint the WAL at ~40 MiB (in pages of this file's size) unless DACA_AUDIT_WAL_PAGES says otherwise.
const pageSize = Number(db.pragma('page_size', { simple: true }));
db.pragma(`wal_autocheckpoint = ${Number(process.env.DACA_AUDIT_WAL_PAGES ?? Math.ceil((40 << 20) / pageSize))}`);
const core = new EntryLedgerCore(db, signerFromPrivatePem(privatePem), Buffer.from(master, 'base64'));

type Msg =
  | { id: number; op: 'append'; batch: WireBatch; want: number[] }
  | { id: number; op: 'checkpoint'; now: number }
  | { op: 'forget'; refs: string[] }
  | { op: 'close' };

parentPort!.on('message', (m: Msg) => {
  if (m.op === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  if (m.op === 'forget') {
    core.forget(m.refs);
    return;
  }
  try {
    const result = m.op === 'append' ? core.appendWire(m.batch, m.want) : core.checkpoint(m.now);
    parentPort!.postMessage({ id: m.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code ?? null });
  }
});
