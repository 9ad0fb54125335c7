/**
 * What the audit worker runs for a batch of raw entries (see entry-codec.ts): under one
 * `BEGIN IMMEDIATE` it reads the head, resolves the data subjects' keys, encrypts personal data,
 * canonicalises and hashes the payload parts, numbers and chains the records after the head and
 * inserts them. The records are those the in-thread path ({@link BatchPreparer} +
 * {@link SqliteLedgerCore}) makes from the same entries, byte for byte (random IVs and subject keys
 * aside). Synchronous; usable in-thread too (tests).
 */
import type Database from 'better-sqlite3';
import type { Checkpoint } from './checkpoint.js';
import { toColumns } from './columnar-batch.js';
import { decodeEntries } from './entry-codec.js';
import type { AuditSigner } from './key-material.js';
import { chainRecords, prepareRecords, subjectRefsNeeded, type AppendResult } from './prepare-records.js';
import { SqliteLedgerCore } from './sqlite-ledger-core.js';
import { SqliteSubjectKeys } from './sqlite-subject-keys.js';

/** Prepares, chains and commits entry batches on one SQLite connection. */
export class EntryLedgerCore {
  private readonly core: SqliteLedgerCore;
  private readonly keys: SqliteSubjectKeys;

  constructor(
    db: Database.Database,
    signer: AuditSigner,
    private readonly master: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    this.core = new SqliteLedgerCore(db, signer);
    this.keys = new SqliteSubjectKeys(db, master);
  }

  /**
   * Commits a batch of entries encoded by `encodeEntry` (all or nothing). `want` lists the indexes
   * whose receipts the caller waits for. Throws (after rolling back) when the batch cannot be stored.
   */
  appendEntries(items: readonly string[], want: number[]): AppendResult {
    const entries = decodeEntries(items);
    const subjects = subjectRefsNeeded(entries, this.master);
    this.core.begin();
    try {
      const head = this.core.head();
      const resolved = this.keys.resolveBegun(subjects, this.now());
      const records = prepareRecords(entries, this.master, (ref) => resolved.keys.get(ref)!);
      chainRecords(records, head);
      const result = this.core.appendBegun(toColumns({ records, newKeys: resolved.created, want, chainedAfter: head }), head);
      this.keys.committed(subjects, resolved);
      return result;
    } catch (e) {
      this.core.rollback();
      throw e;
    }
  }

  /** Signs a checkpoint over every record so far (null when the newest one covers them). */
  checkpoint(now: number): Checkpoint | null {
    this.core.begin();
    return this.core.checkpointBegun(now);
  }

  /** Drops subjects' keys from memory (after an erasure). */
  forget(refs: Iterable<string>): void {
    this.keys.forget(refs);
  }
}
