/**
 * The UsageRecorder: writes usage records in batches, off the request path.
 *
 * `record()` appends to an in-memory buffer and returns at once; a timer flushes every `flushMs`
 * or when `batchSize` records are waiting. `strict` mode makes `record()` resolve only once the
 * record is durably stored. `close()` flushes everything (called on SIGTERM). A failed flush keeps
 * the rows and retries with backoff; failures go to `onError`, never into a request.
 */
import type { UsageRecord } from './usage-record.js';
import type { UsageRepo } from '../store/types.js';

/** Options of a UsageRecorder. */
export interface UsageRecorderOptions {
  repo: UsageRepo;
  flushMs?: number;
  batchSize?: number;
  /** Buffered rows above which the oldest are dropped (reported through onError). */
  maxBuffered?: number;
  onError?: (err: unknown) => void;
  /** Called with every record as it is recorded (metrics, live dashboards). Must not throw. */
  onRecord?: (rec: UsageRecord) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Batches usage records into the store; see the module comment. */
export class UsageRecorder {
  private buffer: UsageRecord[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private failures = 0;
  private readonly opts: Required<Omit<UsageRecorderOptions, 'onRecord'>> & Pick<UsageRecorderOptions, 'onRecord'>;

  constructor(opts: UsageRecorderOptions) {
    this.opts = {
      flushMs: 200,
      batchSize: 500,
      maxBuffered: 200_000,
      onError: () => {},
      ...opts,
    };
  }

  /** Number of records waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Buffers a record. With `wait: true` (strict durability) resolves once it is stored.
   * @example
   * ```ts
   * recorder.record(rec);                  // batched
   * await recorder.record(rec, { wait: true }); // strict
   * ```
   */
  record(rec: UsageRecord, opts?: { wait?: boolean }): Promise<void> {
    try {
      this.opts.onRecord?.(rec);
    } catch (e) {
      this.opts.onError(e);
    }
    if (this.buffer.length >= this.opts.maxBuffered) {
      this.buffer.shift();
      this.opts.onError(new Error('usage buffer full: dropped the oldest record'));
    }
    this.buffer.push(rec);
    let done: Promise<void> = RESOLVED;
    if (opts?.wait) done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.buffer.length >= this.opts.batchSize || opts?.wait) void this.flush();
    else this.schedule();
    return done;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const delay = this.failures ? Math.min(30_000, this.opts.flushMs * 2 ** this.failures) : this.opts.flushMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /** Writes everything buffered now; resolves when done (or when the attempt failed). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    const waiters = this.waiters;
    this.buffer = [];
    this.waiters = [];
    this.flushing = (async () => {
      try {
        for (let i = 0; i < rows.length; i += 5_000) await this.opts.repo.insertBatch(rows.slice(i, i + 5_000));
        this.failures = 0;
        for (const w of waiters) w.resolve();
      } catch (e) {
        this.failures++;
        this.opts.onError(e);
        this.buffer = rows.concat(this.buffer);
        this.waiters = waiters.concat(this.waiters);
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
    if (this.buffer.length) this.schedule();
  }

  /** Flushes and stops the timer. Retries a failing store a few times before giving up. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 5 && this.buffer.length; attempt++) {
      await this.flush();
      if (this.buffer.length) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
    for (const w of this.waiters) w.reject(new Error('usage recorder closed before the record was stored'));
    this.waiters = [];
  }
}

const RESOLVED: Promise<void> = Promise.resolve();
