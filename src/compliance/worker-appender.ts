/**
 * The main-thread side of the audit worker (see audit-worker.ts): an {@link EntrySink} whose
 * `encode()` canonicalises the entry where it is in hand ({@link encodeWire}) and whose `write()`
 * posts the batch as columns in one message; hashing, encryption, chaining and the insert happen on
 * the worker. Returns
 * null when the compiled worker is not available (e.g. running from TypeScript sources under
 * vitest); callers then prepare in-thread ({@link PreparingSink}).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InternalError } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';
import type { EntrySink } from './entry-sink.js';
import { privatePemOf, type AuditSigner } from './key-material.js';
import type { SqliteSync } from './ledger-appender.js';
import type { AppendResult } from './prepare-records.js';
import { encodeWire, toWireBatch, type WireBatch, type WireItem } from './wire-codec.js';

/** Options of {@link startAuditWorker}. */
export interface AuditWorkerOptions {
  sync?: SqliteSync;
  busyTimeoutMs?: number;
  /** The compiled worker module (default: audit-worker.js beside this module). */
  workerUrl?: URL;
}

/** Starts the audit worker for a SQLite file, or returns null when it cannot run here. */
export function startAuditWorker(file: string, signer: AuditSigner, master: Buffer, opts: AuditWorkerOptions = {}): EntrySink<WireItem> | null {
  const url = opts.workerUrl ?? new URL('./audit-worker.js', import.meta.url);
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return null;
  const worker = new Worker(url, {
    // A larger young generation: a batch's short-lived objects die before a scavenge has to copy them.
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
    workerData: { file, privatePem: privatePemOf(signer), master: master.toString('base64'), sync: opts.sync ?? 'normal', busyTimeoutMs: opts.busyTimeoutMs ?? 10_000 },
  });
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
  const call = <T>(msg: { op: 'append'; batch: WireBatch; want: number[] } | { op: 'checkpoint'; now: number }): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (pending.size === 1) worker.ref(); // keep the process alive while a write is in flight
      worker.postMessage({ ...msg, id });
    });
  };
  return {
    // Batches go to the worker as soon as they are cut: a backlog waits in the worker's message queue
    // (serialised, outside the JS heap) rather than as objects the main thread's GC keeps copying.
    // At most this many batches (x batchSize records) are in flight; the worker commits them in order.
    maxInFlight: 16,
    encode: encodeWire,
    write: (items: WireItem[], want: number[]) => call<AppendResult>({ op: 'append', batch: toWireBatch(items), want }),
    checkpoint: (now: number) => call<Checkpoint | null>({ op: 'checkpoint', now }),
    forget(refs: string[]) {
      if (!dead) worker.postMessage({ op: 'forget', refs });
    },
    async close() {
      if (dead) return;
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      worker.ref(); // an unreferenced worker would let the process exit before it closes the database
      worker.postMessage({ op: 'close' });
      await exited;
    },
  };
}
