/**
 * The AuditWriter: appends audit records in batches, off the request path.
 *
 * `append()` stamps the entry (id, timestamp), buffers it and returns its id at once; a timer
 * flushes every `flushMs` or when `batchSize` records wait. `appendAndWait()` (strict durability)
 * resolves only once the record is committed; strict appends made in the same turn of the event
 * loop, or while a batch is being written, share the next transaction (group commit). A failed batch is retried with backoff and
 * reported to `onError` (its strict waiters are rejected). Checkpoints are signed every
 * `checkpointEvery` records or `checkpointMs`, and on `close()`, which also flushes (SIGTERM).
 */
import { InternalError, InvalidRequestError } from '../errors.js';
import { newAuditId } from './audit-id.js';
import type { AuditEntry, AuditReceipt } from './audit-types.js';
import type { Checkpoint } from './checkpoint.js';
import type { EntrySink } from './entry-sink.js';
import type { AppendResult } from './prepare-records.js';

/** Options of an AuditWriter. */
export interface AuditWriterOptions {
  now?: () => number;
  /** Longest a batched record waits before its batch is written (default 200 ms). */
  flushMs?: number;
  /** Records per transaction (default 2000). */
  batchSize?: number;
  /** Buffered records above which the oldest are dropped and reported (default 1,000,000). */
  maxBuffered?: number;
  /** Sign a checkpoint after this many new records (default 10,000)… */
  checkpointEvery?: number;
  /** …or after this long with new records (default 30 s). */
  checkpointMs?: number;
  onError?: (err: unknown) => void;
}

interface Waiter {
  pos: number;
  id: string;
  resolve: (r: AuditReceipt) => void;
  reject: (e: unknown) => void;
}

/**
 * Batches audit records into the ledger; see the module comment. `T` is what an entry waits in
 * (chosen by the sink: the entry itself, or its JSON text for the audit worker).
 */
export class AuditWriter<T = unknown> {
  private buffer: T[] = [];
  /** Position (count of entries ever buffered) of buffer[0]. */
  private headPos = 0;
  private waiters: Waiter[] = [];
  private inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private soon = false;
  private failures = 0;
  private closed = false;
  private sinceCheckpoint = 0;
  private lastCheckpointAt: number;
  private checkpointing: Promise<Checkpoint | null> | null = null;
  private readonly o: Required<AuditWriterOptions>;

  constructor(
    private readonly sink: EntrySink<T>,
    opts: AuditWriterOptions = {},
  ) {
    this.o = { now: Date.now, flushMs: 200, batchSize: 2000, maxBuffered: 1_000_000, checkpointEvery: 10_000, checkpointMs: 30_000, onError: () => {}, ...opts };
    this.lastCheckpointAt = this.o.now();
  }

  /** Records waiting to be written (buffered or in flight). */
  get pending(): number {
    return this.buffer.length;
  }

  /** Stamps and encodes an entry (the sink's encoding runs here, inside the caller's call). */
  private stamp(entry: AuditEntry): { id: string; item: T } {
    if (this.closed) throw new InternalError('the audit writer is closed');
    const ts = entry.ts ?? this.o.now();
    if (!Number.isSafeInteger(ts)) throw new InvalidRequestError(`audit entry ts must be integer milliseconds, got ${String(ts)}`);
    const id = newAuditId(ts);
    return { id, item: this.sink.encode({ entry, ts, id }) };
  }

  private push(e: T): number {
    if (this.buffer.length >= this.o.maxBuffered) {
      this.buffer.shift();
      this.headPos++;
      this.o.onError(new InternalError('audit buffer full: dropped the oldest record'));
    }
    this.buffer.push(e);
    return this.headPos + this.buffer.length - 1;
  }

  /**
   * Buffers a record and returns its id; it is committed within `flushMs`.
   * @example
   * ```ts
   * const id = writer.append({ kind: 'admin_action', tenant: 't1', actor: { kind: 'human', id: 'ops@acme' }, detail: { action: 'revoke_key' } });
   * ```
   */
  append(entry: AuditEntry): string {
    const { id, item } = this.stamp(entry);
    this.push(item);
    if (this.buffer.length >= this.o.batchSize) this.pump();
    else this.schedule();
    return id;
  }

  /**
   * Appends a record and resolves once it is committed (strict durability). Concurrent calls are
   * committed together.
   * @example
   * ```ts
   * const { seq, hash } = await writer.appendAndWait(entry);
   * ```
   */
  appendAndWait(entry: AuditEntry): Promise<AuditReceipt> {
    const { id, item } = this.stamp(entry);
    const pos = this.push(item);
    const p = new Promise<AuditReceipt>((resolve, reject) => this.waiters.push({ pos, id, resolve, reject }));
    // Strict appends made in the same turn of the event loop (e.g. several responses finishing in
    // one poll phase) share one batch and one message to the appender.
    if (!this.soon) {
      this.soon = true;
      setImmediate(() => {
        this.soon = false;
        this.pump();
      });
    }
    return p;
  }

  private schedule(): void {
    if (this.timer || this.closed || this.inflight.size) return;
    const delay = this.failures ? Math.min(30_000, this.o.flushMs * 2 ** this.failures) : this.o.flushMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, delay);
    this.timer.unref();
  }

  /** Starts batches while the sink accepts more. */
  private pump(): void {
    if (this.timer && !this.failures) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.buffer.length && this.inflight.size < this.sink.maxInFlight) {
      const n = Math.min(this.buffer.length, this.o.batchSize);
      const batch = n === this.buffer.length ? this.buffer : this.buffer.slice(0, n);
      this.buffer = n === this.buffer.length ? [] : this.buffer.slice(n);
      const start = this.headPos;
      this.headPos += n;
      let w = 0;
      while (w < this.waiters.length && this.waiters[w]!.pos < start + n) w++;
      const waiters = w ? this.waiters.splice(0, w) : [];
      const run = this.write(batch, start, waiters);
      this.inflight.add(run);
      void run.finally(() => {
        this.inflight.delete(run);
        if (this.buffer.length) {
          if (this.waiters.length || this.buffer.length >= this.o.batchSize) this.pump();
          else this.schedule();
        }
      });
    }
  }

  private async write(batch: T[], start: number, waiters: Waiter[]): Promise<void> {
    try {
      // The sink is called synchronously here, so batches reach it in the order they were cut.
      const result: AppendResult = await this.sink.write(batch, waiters.map((w) => w.pos - start));
      this.failures = 0;
      for (let i = 0; i < waiters.length; i++) waiters[i]!.resolve(result.receipts[i]!);
      this.sinceCheckpoint += batch.length;
      if (this.sinceCheckpoint >= this.o.checkpointEvery || this.o.now() - this.lastCheckpointAt >= this.o.checkpointMs) void this.checkpoint().catch(this.o.onError);
    } catch (e) {
      this.failures++;
      this.o.onError(e);
      for (const w of waiters) w.reject(e);
      if (!this.closed || this.failures < 5) {
        this.buffer = batch.concat(this.buffer);
        this.headPos -= batch.length;
      }
    }
  }

  /** Writes everything buffered so far; resolves when it is committed or its attempt failed. */
  async flush(): Promise<void> {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const before = this.failures;
      this.pump();
      if (this.inflight.size === 0) return;
      await Promise.all(this.inflight);
      if (this.failures > before || this.buffer.length === 0) {
        if (this.inflight.size) await Promise.all(this.inflight);
        return;
      }
    }
  }

  /** Signs a checkpoint over everything committed so far (null when nothing is new). */
  checkpoint(): Promise<Checkpoint | null> {
    if (this.checkpointing) return this.checkpointing;
    this.sinceCheckpoint = 0;
    this.lastCheckpointAt = this.o.now();
    this.checkpointing = this.sink.checkpoint(this.o.now()).finally(() => {
      this.checkpointing = null;
    });
    return this.checkpointing;
  }

  /** Flushes (retrying a failing store a few times), signs a final checkpoint and closes the sink. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 5 && (this.buffer.length || this.inflight.size); attempt++) {
      await this.flush();
      if (this.buffer.length) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
    this.closed = true;
    if (this.checkpointing) await this.checkpointing.catch(() => null);
    await this.checkpoint().catch(this.o.onError);
    for (const w of this.waiters) w.reject(new InternalError('the audit writer closed before the record was stored'));
    this.waiters = [];
    await this.sink.close();
  }
}
