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
import { chainUnderLock, type AppendResult, type ChainedRecord, type PreparedBatch } from './prepare-records.js';
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

  constructor(
    private readonly db: Database.Database,
    private readonly signer: AuditSigner,
  ) {
    const rec = '(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)';
    this.insRecord = db.prepare(`INSERT INTO audit_records ${RECORD_COLS} VALUES ${rec}`);
    this.insRecords = db.prepare(`INSERT INTO audit_records ${RECORD_COLS} VALUES ${Array(ROWS_PER_STATEMENT).fill(rec).join(',')}`);
    this.insPayload = db.prepare('INSERT INTO audit_payloads (seq,body,inputs) VALUES (?,?,?)');
    this.insPayloads = db.prepare(`INSERT INTO audit_payloads (seq,body,inputs) VALUES ${Array(ROWS_PER_STATEMENT).fill('(?,?,?)').join(',')}`);
    this.selHead = db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1');
    this.insKey = db.prepare('INSERT INTO audit_subject_keys (kid,subject_ref,wrapped,created_at,erased_at) VALUES (?,?,?,?,NULL)');
  }

  /** Opens the write transaction, waiting on other writers via the connection's busy_timeout. */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
  }

  private head(): { seq: number; hash: string } {
    const h = this.selHead.get() as { seq: number; hash: string } | undefined;
    return h ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Appends a batch inside a transaction opened by {@link begin}; commits, or rolls back and throws. */
  appendBegun(batch: PreparedBatch): AppendResult {
    try {
      for (const k of batch.newKeys) this.insKey.run(k.kid, k.subjectRef, k.wrapped, k.createdAt);
      const before = this.head();
      const { rows, result } = chainUnderLock(batch, before);
      const full = rows.length - (rows.length % ROWS_PER_STATEMENT);
      const rp: unknown[] = new Array(16 * ROWS_PER_STATEMENT);
      const pp: unknown[] = new Array(3 * ROWS_PER_STATEMENT);
      for (let i = 0; i < rows.length; ) {
        if (i < full) {
          for (let j = 0; j < ROWS_PER_STATEMENT; j++) {
            const r = rows[i + j]!;
            recordParams(r, rp, 16 * j);
            pp[3 * j] = r.seq;
            pp[3 * j + 1] = r.body;
            pp[3 * j + 2] = r.inputs;
          }
          this.insRecords.run(rp);
          this.insPayloads.run(pp);
          i += ROWS_PER_STATEMENT;
        } else {
          const r = rows[i]!;
          const one: unknown[] = new Array(16);
          recordParams(r, one, 0);
          this.insRecord.run(one);
          this.insPayload.run(r.seq, r.body, r.inputs);
          i++;
        }
      }
      this.db.exec('COMMIT');
      if (this.frontier && this.frontier.size === before.seq) for (const r of rows) this.frontier.append(leafHash(Buffer.from(r.hash, 'hex')));
      else this.frontier = null;
      return result;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.frontier = null;
      throw e;
    }
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

function recordParams(r: ChainedRecord, a: unknown[], o: number): void {
  const h = r.header;
  a[o] = r.seq;
  a[o + 1] = h.id;
  a[o + 2] = h.ts;
  a[o + 3] = h.tenant;
  a[o + 4] = h.kind;
  a[o + 5] = h.actorKind;
  a[o + 6] = h.actorId;
  a[o + 7] = h.agent;
  a[o + 8] = h.requestId;
  a[o + 9] = h.session;
  a[o + 10] = h.traceId;
  a[o + 11] = h.subjectRef;
  a[o + 12] = h.class;
  a[o + 13] = h.bodyHash;
  a[o + 14] = h.inputsHash;
  a[o + 15] = r.hash;
}
