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
import { chainColumns, setRecord, type BatchColumns } from './columnar-batch.js';
import { decodeEntries } from './entry-codec.js';
import type { AuditSigner } from './key-material.js';
import { prepareRecords, subjectRefsNeeded, type AppendResult } from './prepare-records.js';
import type { SubjectKey } from './subject-crypto.js';
import type { NewSubjectKeyRow } from './subject-keyring.js';
import { SqliteLedgerCore } from './sqlite-ledger-core.js';
import { SqliteSubjectKeys } from './sqlite-subject-keys.js';
import { toWireBatch, type WireBatch } from './wire-codec.js';

/** Entries that came as JSON decoded and prepared at a time within a batch's transaction. */
const SLICE = 256;

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
   * Commits a batch of entries encoded by `encodeEntry` (all or nothing); see {@link appendWire}.
   */
  appendEntries(items: readonly string[], want: number[]): AppendResult {
    return this.appendWire(toWireBatch(items), want);
  }

  /**
   * Commits a wire batch (all or nothing). `want` lists the indexes whose receipts the caller waits
   * for (ascending). Throws (after rolling back) when the batch cannot be stored. Entries that came
   * as JSON text are decoded and prepared in slices (only a slice's objects alive at a time); the
   * others come canonicalised and hashed. Then the batch is chained after the head read under the
   * lock and inserted.
   */
  appendWire(b: WireBatch, want: number[]): AppendResult {
    this.core.begin();
    try {
      const before = this.core.head();
      const n = b.n;
      const cols: BatchColumns = { ...b, subjectRef: new Array<string | null>(n).fill(null), seq: new Array<number>(n), hash: new Array<string>(n) };
      const used = new Map<string, SubjectKey>();
      const subjectsAll = new Map<string, string>();
      const created: NewSubjectKeyRow[] = [];
      for (let at = 0; at < b.raw.length; at += SLICE) {
        const to = Math.min(b.raw.length, at + SLICE);
        const entries = decodeEntries(b.raw, at, to);
        const subjects = subjectRefsNeeded(entries, this.master);
        if (subjects.size) {
          // Subjects met in an earlier slice keep the key resolved there.
          const fresh = new Map<string, string>();
          for (const [id, ref] of subjects) {
            subjectsAll.set(id, ref);
            if (!used.has(ref)) fresh.set(id, ref);
          }
          const resolved = this.keys.resolveBegun(fresh, this.now());
          for (const [ref, k] of resolved.keys) used.set(ref, k);
          for (const k of resolved.created) created.push(k);
        }
        const records = prepareRecords(entries, this.master, (ref) => used.get(ref)!, subjects);
        for (let k = 0; k < records.length; k++) setRecord(cols, b.rawAt[at + k]!, records[k]!);
      }
      const raw: Buffer[] = [];
      const head = chainColumns(cols, n, before, raw);
      const result = this.core.insertBegun({ n, cols, newKeys: created, want, chainedAfter: before }, before);
      this.core.commitBegun(before, raw);
      this.keys.committed(subjectsAll, { keys: used, created });
      return { receipts: result.receipts, head, rechained: false };
    } catch (e) {
      this.core.failed();
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
