/**
 * The main-thread side of the audit worker (see audit-worker.ts). Returns null when the compiled
 * worker is not available (e.g. running from TypeScript sources under vitest); callers then use
 * the in-thread appender, which runs the same {@link SqliteLedgerCore}.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InternalError } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';
import { privatePemOf, type AuditSigner } from './key-material.js';
import type { LedgerAppender, SqliteSync } from './ledger-appender.js';
import type { AppendResult, PreparedBatch } from './prepare-records.js';
import { toColumns } from './columnar-batch.js';

/** Starts the audit worker for a SQLite file, or returns null when it cannot run here. */
export function startWorkerAppender(file: string, signer: AuditSigner, opts: { sync?: SqliteSync; busyTimeoutMs?: number } = {}): LedgerAppender | null {
  const url = new URL('./audit-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const worker = new Worker(url, { workerData: { file, privatePem: privatePemOf(signer), sync: opts.sync ?? 'normal', busyTimeoutMs: opts.busyTimeoutMs ?? 10_000 } });
  worker.unref();
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let dead: Error | null = null;
  const failAll = (e: Error): void => {
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: { id: number; result?: unknown; error?: string; code?: string | null }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.error !== undefined) p.reject(Object.assign(new InternalError(`audit append failed: ${m.error}`), { sqliteCode: m.code }));
    else p.resolve(m.result);
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new InternalError(`the audit worker exited with code ${code}`)));
  const call = <T>(msg: Record<string, unknown>): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref(); // keep the process alive while a write is in flight
      worker.postMessage({ ...msg, id });
    });
  };
  return {
    maxInFlight: 2,
    // Columns cross by structured clone: no JSON to build or parse, no object per record.
    append: (batch: PreparedBatch) => call<AppendResult>({ op: 'append', batch: toColumns(batch) }),
    checkpoint: (now: number) => call<Checkpoint | null>({ op: 'checkpoint', now }),
    async close() {
      if (dead) return;
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      worker.ref(); // an unreferenced worker would let the process exit before it closes the database
      worker.postMessage({ op: 'close' });
      await exited;
    },
  };
}
