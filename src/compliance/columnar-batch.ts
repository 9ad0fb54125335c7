/**
 * A prepared batch as columns (one array per ledger column), the form the SQLite appender takes:
 * it crosses to the audit worker by structured clone with no JSON to parse and no object per
 * record, and binds straight into multi-row INSERTs.
 */
import type { AppendResult, ChainHead, PreparedBatch, PreparedRecord } from './prepare-records.js';
import { canonicalHeader, chainHash, type RecordHeader } from './record-hash.js';
import type { NewSubjectKeyRow } from './subject-keyring.js';

/** Column arrays of a batch; every array has `n` entries. */
export interface BatchColumns {
  id: string[];
  ts: number[];
  tenant: string[];
  kind: string[];
  actorKind: string[];
  actorId: string[];
  agent: (string | null)[];
  requestId: (string | null)[];
  session: (string | null)[];
  traceId: (string | null)[];
  subjectRef: (string | null)[];
  class: string[];
  bodyHash: string[];
  inputsHash: (string | null)[];
  body: string[];
  inputs: (string | null)[];
  /** Filled when chained (by the writer, or by the appender). */
  seq: number[];
  hash: string[];
}

/** A batch in columns. */
export interface ColumnarBatch {
  n: number;
  cols: BatchColumns;
  newKeys: NewSubjectKeyRow[];
  want: number[];
  chainedAfter?: ChainHead;
}

/** Turns a prepared batch into columns. */
export function toColumns(b: PreparedBatch): ColumnarBatch {
  const n = b.records.length;
  const mk = <T>(): T[] => new Array<T>(n);
  const c: BatchColumns = {
    id: mk(), ts: mk(), tenant: mk(), kind: mk(), actorKind: mk(), actorId: mk(), agent: mk(), requestId: mk(), session: mk(), traceId: mk(),
    subjectRef: mk(), class: mk(), bodyHash: mk(), inputsHash: mk(), body: mk(), inputs: mk(), seq: mk(), hash: mk(),
  };
  for (let i = 0; i < n; i++) {
    const r = b.records[i]! as PreparedRecord & { seq?: number; hash?: string };
    setRecord(c, i, r);
    c.seq[i] = r.seq ?? 0;
    c.hash[i] = r.hash ?? '';
  }
  return { n, cols: c, newKeys: b.newKeys, want: b.want, ...(b.chainedAfter ? { chainedAfter: b.chainedAfter } : {}) };
}

/** Writes a prepared record into row `i` of the columns (its header, payload texts and hashes). */
export function setRecord(c: BatchColumns, i: number, r: PreparedRecord): void {
  const h = r.header;
  c.id[i] = h.id;
  c.ts[i] = h.ts;
  c.tenant[i] = h.tenant;
  c.kind[i] = h.kind;
  c.actorKind[i] = h.actorKind;
  c.actorId[i] = h.actorId;
  c.agent[i] = h.agent;
  c.requestId[i] = h.requestId;
  c.session[i] = h.session;
  c.traceId[i] = h.traceId;
  c.subjectRef[i] = h.subjectRef;
  c.class[i] = h.class;
  c.bodyHash[i] = h.bodyHash;
  c.inputsHash[i] = h.inputsHash;
  c.body[i] = r.body;
  c.inputs[i] = r.inputs;
}

/**
 * Numbers the first `n` rows after `head` and chains their hashes ({@link chainHash} over
 * {@link canonicalHeader}, as {@link chainRecords} does for records), filling `seq` and `hash`.
 * Returns the new head; `raw`, when given, receives each hash as bytes (for the Merkle frontier).
 */
export function chainColumns(c: BatchColumns, n: number, head: ChainHead, raw?: Buffer[]): ChainHead {
  let prev: Buffer = Buffer.from(head.hash, 'hex');
  let seq = head.seq;
  const h: RecordHeader = {
    id: '', ts: 0, tenant: '', kind: '', actorKind: '', actorId: '', agent: null, requestId: null, session: null, traceId: null, subjectRef: null, class: '', bodyHash: '', inputsHash: null,
  };
  for (let i = 0; i < n; i++) {
    h.id = c.id[i]!;
    h.ts = c.ts[i]!;
    h.tenant = c.tenant[i]!;
    h.kind = c.kind[i]!;
    h.actorKind = c.actorKind[i]!;
    h.actorId = c.actorId[i]!;
    h.agent = c.agent[i]!;
    h.requestId = c.requestId[i]!;
    h.session = c.session[i]!;
    h.traceId = c.traceId[i]!;
    h.subjectRef = c.subjectRef[i]!;
    h.class = c.class[i]!;
    h.bodyHash = c.bodyHash[i]!;
    h.inputsHash = c.inputsHash[i]!;
    seq++;
    const hash = chainHash(prev, canonicalHeader(h, seq));
    c.seq[i] = seq;
    c.hash[i] = hash.toString('hex');
    raw?.push(hash);
    prev = hash;
  }
  return n ? { seq, hash: c.hash[n - 1]! } : head;
}

/**
 * Keeps the writer's chaining when it was done after `head`, else chains the columns again.
 * Fills `seq`/`hash` and returns the append result.
 */
export function chainColumnsUnderLock(b: ColumnarBatch, head: ChainHead): AppendResult {
  const c = b.cols;
  const pre = b.chainedAfter;
  let rechained = false;
  if (!(pre && pre.seq === head.seq && pre.hash === head.hash)) {
    rechained = true;
    chainColumns(c, b.n, head);
  }
  return {
    receipts: b.want.map((i) => ({ id: c.id[i]!, seq: c.seq[i]!, hash: c.hash[i]! })),
    head: b.n ? { seq: c.seq[b.n - 1]!, hash: c.hash[b.n - 1]! } : head,
    rechained,
  };
}
