/**
 * Worker thread that owns the ledger's SQLite write connection: chains and inserts prepared
 * batches and signs checkpoints, beside the event loop instead of on it.
 * In: `{ id, op: 'append', batch }` (a ColumnarBatch) | `{ id, op: 'checkpoint', now }` | `{ op: 'close' }`.
 * Out: `{ id, result }` | `{ id, error, code }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { signerFromPrivatePem } from './key-material.js';
import { openLedgerConnection, type SqliteSync } from './ledger-appender.js';
import type { ColumnarBatch } from './columnar-batch.js';
import { SqliteLedgerCore } from './sqlite-ledger-core.js';

const { file, privatePem, sync, busyTimeoutMs } = workerData as { file: string; privatePem: string; sync: SqliteSync; busyTimeoutMs: number };
const db = openLedgerConnection(file, sync, busyTimeoutMs);
db.pragma('cache_size = -65536');
db.pragma(`wal_autocheckpoint = ${Number(process.env.DACA_AUDIT_WAL_PAGES ?? 10000)}`);
const core = new SqliteLedgerCore(db, signerFromPrivatePem(privatePem));

type Msg = { id: number; op: 'append'; batch: ColumnarBatch } | { id: number; op: 'checkpoint'; now: number } | { op: 'close' };

parentPort!.on('message', (m: Msg) => {
  if (m.op === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    core.begin();
    const result = m.op === 'append' ? core.appendBegun(m.batch) : core.checkpointBegun(m.now);
    parentPort!.postMessage({ id: m.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code ?? null });
  }
});
