/**
 * Where the AuditWriter sends its batches. A sink decides what a buffered entry is (`encode`, run
 * inside `append()`), where the records are prepared (canonical JSON, hashes, encryption, chaining)
 * and how they are committed: {@link PreparingSink} prepares on the calling thread (PostgreSQL,
 * in-memory SQLite, or no compiled worker); the audit worker's sink (worker-appender.ts) only
 * serialises entries and lets the worker do the rest.
 */
import type { Checkpoint } from './checkpoint.js';
import type { AppendResult, StampedEntry } from './prepare-records.js';

/** Prepares and commits batches for an AuditWriter; see the module comment. */
export interface EntrySink<T> {
  /** How many batches the writer may have in flight at once (the sink keeps them in order). */
  readonly maxInFlight: number;
  /**
   * The form an entry waits in until its batch is written. Runs inside `append()`: it must be
   * cheap, and what it returns must not refer to the caller's mutable data that the record depends
   * on (`digests` in particular), so the caller may reuse it once `append()` returns.
   */
  encode(e: StampedEntry): T;
  /**
   * Commits one batch (all or nothing) after every batch written before it; `want` lists the
   * indexes whose receipts the caller waits for. Must be called in the writer's order.
   */
  write(items: T[], want: number[]): Promise<AppendResult>;
  /** Signs a checkpoint over every committed record; null when the newest one covers them. */
  checkpoint(now: number): Promise<Checkpoint | null>;
  /** Drops data subjects' keys from memory (after an erasure). */
  forget(refs: string[]): void;
  close(): Promise<void>;
}
