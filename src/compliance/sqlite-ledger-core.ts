/**
 * The SQLite append path on a raw better-sqlite3 connection: one `BEGIN IMMEDIATE` transaction per
 * batch (the write lock serialises appenders across connections and processes), prepared
 * statements, the batch's new subject keys inserted in the same transaction. Runs on the audit
 * worker thread, or in-thread when the compiled worker is not available. Synchronous by design.
 */
import type Database from 'better-sqlite3';
import { signCheckpoint, type Checkpoint } from './checkpoint.js';
import type { AuditSigner } from './key-material.js';
import { MerkleFrontier, leafHash } from './merkle.js';
import { chainColumnsUnderLock, type BatchColumns, type ColumnarBatch } from './columnar-batch.js';
import type { AppendResult, ChainHead } from './prepare-records.js';
import { GENESIS_HASH } from './record-hash.js';

type Stmt = Database.Statement;

/** Rows per multi-row INSERT statement. */
const ROWS_PER_STATEMENT = 32;
const RECORD_COLS = '(seq,id,ts,tenant,kind,actor_kind,actor_id,agent,request_id,session,trace_id,subject_ref,class,body_hash,inputs_hash,hash)';

/** Appends batches and writes checkpoints on one SQLite connection. */
export class SqliteLedgerCore {
  private readonly insRecord: Stmt;
  private readonly insRecords: Stmt;
  private readonly insPayload: Stmt;
  private readonly insPayloads: Stmt;
  private readonly selHead: Stmt;
  private readonly insKey: Stmt;
  private frontier: MerkleFrontier | null = null;
  /** Parameter arrays reused by every insert. */
  private readonly rp: unknown[] = new Array(16 * ROWS_PER_STATEMENT);
  private readonly pp: unknown[] = new Array(3 * ROWS_PER_STATEMENT);
  private readonly one: unknown[] = new Array(16);

  constructor(
    private readonly db: Database.Database,
    private readonly signer: AuditSigner,
  ) {
    const rec = '(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)';
    // OR ROLLBACK: a failed insert ends the whole transaction (which the caller rolls back anyway);
    // with the default ABORT a multi-row statement writes a statement journal for every page it touches.
    const ins = 'INSERT OR ROLLBACK INTO';
    this.insRecord = db.prepare(`${ins} audit_records ${RECORD_COLS} VALUES ${rec}`);
    this.insRecords = db.prepare(`${ins} audit_records ${RECORD_COLS} VALUES ${Array(ROWS_PER_STATEMENT).fill(rec).join(',')}`);
    this.insPayload = db.prepare(`${ins} audit_payloads (seq,body,inputs) VALUES (?,?,?)`);
    this.insPayloads = db.prepare(`${ins} audit_payloads (seq,body,inputs) VALUES ${Array(ROWS_PER_STATEMENT).fill('(?,?,?)').join(',')}`);
    this.selHead = db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1');
    this.insKey = db.prepare('INSERT INTO audit_subject_keys (kid,subject_ref,wrapped,created_at,erased_at) VALUES (?,?,?,?,NULL)');
  }

  /** Opens the write transaction, waiting on other writers via the connection's busy_timeout. */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
  }

  /** Rolls back the open transaction, if any. */
  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  /** The ledger's head (read inside a transaction opened by {@link begin} it stays the head until commit). */
  head(): ChainHead {
    const h = this.selHead.get() as ChainHead | undefined;
    return h ?? { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Appends a batch inside a transaction opened by {@link begin}; commits, or rolls back and throws.
   * `before` is the head when the caller already read it in this transaction.
   */
  appendBegun(batch: ColumnarBatch, before: ChainHead = this.head()): AppendResult {
    try {
      const result = this.insertBegun(batch, before);
      this.commitBegun(before, batch.cols.hash);
      return result;
    } catch (e) {
      this.rollback();
      this.frontier = null;
      throw e;
    }
  }

  /**
   * Inserts a batch (and its new subject keys) inside a transaction opened by {@link begin}, after
   * `before`, without committing: several slices of one batch can be inserted before
   * {@link commitBegun}. Throws without rolling back (the caller does).
   */
  insertBegun(batch: ColumnarBatch, before: ChainHead): AppendResult {
    for (const k of batch.newKeys) this.insKey.run(k.kid, k.subjectRef, k.wrapped, k.createdAt);
    const result = chainColumnsUnderLock(batch, before);
    const c = batch.cols;
    const n = batch.n;
    const full = n - (n % ROWS_PER_STATEMENT);
    const rp = this.rp;
    const pp = this.pp;
    const one = this.one;
    for (let i = 0; i < n; ) {
      if (i < full) {
        for (let j = 0; j < ROWS_PER_STATEMENT; j++) {
          recordParams(c, i + j, rp, 16 * j);
          pp[3 * j] = c.seq[i + j];
          pp[3 * j + 1] = c.body[i + j];
          pp[3 * j + 2] = c.inputs[i + j];
        }
        this.insRecords.run(rp);
        this.insPayloads.run(pp);
        i += ROWS_PER_STATEMENT;
      } else {
        recordParams(c, i, one, 0);
        this.insRecord.run(one);
        this.insPayload.run(c.seq[i], c.body[i], c.inputs[i]);
        i++;
      }
    }
    return result;
  }

  /**
   * Commits the transaction whose inserts followed `before`; `hashes` are the new records' hashes
   * (bytes, or hex), in order: they extend the cached Merkle frontier. Throws without rolling back.
   */
  commitBegun(before: ChainHead, hashes: readonly (Buffer | string)[]): void {
    this.db.exec('COMMIT');
    if (this.frontier && this.frontier.size === before.seq) {
      for (const h of hashes) this.frontier.append(leafHash(typeof h === 'string' ? Buffer.from(h, 'hex') : h));
    } else this.frontier = null;
  }

  /** Forgets the cached Merkle frontier (after a failed transaction). */
  failed(): void {
    this.rollback();
    this.frontier = null;
  }

  /**
   * Writes a signed checkpoint over every record so far, inside a transaction opened by
   * {@link begin}. Returns null (and writes nothing) when the newest checkpoint already covers the head.
   */
  checkpointBegun(now: number): Checkpoint | null {
    try {
      const head = this.head();
      const last = this.db.prepare('SELECT tree_size, frontier FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1').get() as
        | { tree_size: number; frontier: string }
        | undefined;
      if (head.seq === 0 || (last && Number(last.tree_size) >= head.seq)) {
        this.db.exec('COMMIT');
        return null;
      }
      if (!this.frontier || this.frontier.size > head.seq) {
        this.frontier = last ? MerkleFrontier.fromJSON(JSON.parse(last.frontier) as { size: number; stack: string[] }) : new MerkleFrontier();
      }
      const missing = this.db.prepare('SELECT hash FROM audit_records WHERE seq > ? AND seq <= ? ORDER BY seq').pluck();
      for (const h of missing.iterate(this.frontier.size, head.seq) as Iterable<string>) this.frontier.append(leafHash(Buffer.from(h, 'hex')));
      const cp = signCheckpoint(this.signer, this.frontier, head.hash, now);
      this.db
        .prepare('INSERT INTO audit_checkpoints (tree_size,ts,root_hash,head_hash,key_id,signature,frontier) VALUES (?,?,?,?,?,?,?)')
        .run(cp.treeSize, cp.ts, cp.rootHash, cp.headHash, cp.keyId, cp.signature, JSON.stringify(this.frontier.toJSON()));
      this.db.exec('COMMIT');
      return cp;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.frontier = null;
      throw e;
    }
  }
}

function recordParams(c: BatchColumns, i: number, a: unknown[], o: number): void {
  a[o] = c.seq[i];
  a[o + 1] = c.id[i];
  a[o + 2] = c.ts[i];
  a[o + 3] = c.tenant[i];
  a[o + 4] = c.kind[i];
  a[o + 5] = c.actorKind[i];
  a[o + 6] = c.actorId[i];
  a[o + 7] = c.agent[i];
  a[o + 8] = c.requestId[i];
  a[o + 9] = c.session[i];
  a[o + 10] = c.traceId[i];
  a[o + 11] = c.subjectRef[i];
  a[o + 12] = c.class[i];
  a[o + 13] = c.bodyHash[i];
  a[o + 14] = c.inputsHash[i];
  a[o + 15] = c.hash[i];
}
