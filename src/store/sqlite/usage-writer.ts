/**
 * The main-thread side of the usage writer worker. Falls back to `null` (in-thread inserts) when
 * the compiled worker is not available, e.g. when running from TypeScript sources under vitest.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { UsageRecord } from '../../metering/usage-record.js';

/** Inserts usage batches on a worker thread. */
export interface UsageWriter {
  insert(rows: readonly UsageRecord[]): Promise<number>;
  close(): Promise<void>;
}

/** Starts the writer worker for a database file, or returns null when it cannot run here. */
export function startUsageWriter(file: string, busyTimeoutMs: number): UsageWriter | null {
  const url = new URL('./usage-writer-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const worker = new Worker(url, { workerData: { file, busyTimeoutMs } });
  worker.unref();
  let next = 1;
  const pending = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  let dead: Error | null = null;
  const failAll = (e: Error): void => {
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: { id: number; inserted?: number; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(`usage insert failed: ${m.error}`));
    else p.resolve(m.inserted ?? 0);
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`usage writer exited with code ${code}`)));
  return {
    insert(rows) {
      if (dead) return Promise.reject(dead);
      const id = next++;
      return new Promise<number>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref(); // keep the process alive while a write is in flight
        worker.postMessage({ id, json: JSON.stringify(rows) });
      }).finally(() => {
        if (pending.size === 0) worker.unref();
      });
    },
    async close() {
      if (dead) return;
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      worker.postMessage({ close: true });
      await exited;
    },
  };
}
