/**
 * Turns stamped entries into ledger rows: canonical payload parts and their hashes, personal
 * fields encrypted under the data subject's key, then (under the append lock) sequence numbers
 * and chain hashes. Pure functions; the appenders do the I/O.
 */
import { defaultRecordClass, type AuditEntry, type AuditReceipt, type StampedEntry } from './audit-types.js';

export type { StampedEntry };
import { resolveDigests } from './entry-codec.js';
import { canonicalHeader, canonicalPart, chainHash, partHash, type RecordHeader } from './record-hash.js';
import { encryptPersonal, subjectRef, type SubjectKey } from './subject-crypto.js';
import type { NewSubjectKeyRow } from './subject-keyring.js';


/** A record ready to be chained: header (without seq) and payload texts. */
export interface PreparedRecord {
  header: RecordHeader;
  body: string;
  inputs: string | null;
}

/** The newest record of the chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** What an appender commits in one transaction. */
export interface PreparedBatch {
  records: PreparedRecord[];
  /** Subject keys created for this batch (inserted in the same transaction). */
  newKeys: NewSubjectKeyRow[];
  /**
   * Set when the writer already chained the records after this head (its prediction of the
   * ledger's head). The appender keeps them when the head under its lock is this one, and
   * re-chains them otherwise (another writer appended meanwhile, or an earlier batch failed).
   */
  chainedAfter?: ChainHead;
  /** Indexes of the records whose receipts the caller waits for (strict appends). */
  want: number[];
}

/** What an appender reports for a committed batch. */
export interface AppendResult {
  /** Receipts of the records listed in `want`, in that order. */
  receipts: AuditReceipt[];
  /** The ledger's head after this batch. */
  head: ChainHead;
  /** True when the appender had to chain the records itself. */
  rechained: boolean;
}

/** A chained record: everything the two tables store. */
export interface ChainedRecord extends PreparedRecord {
  seq: number;
  hash: string;
}

/** The data subject a record's personal data belongs to (a per-record subject when none is named). */
export function dataSubjectOf(s: StampedEntry): string | null {
  if (s.entry.dataSubject) return s.entry.dataSubject;
  return s.entry.personal ? `record:${s.id}` : null;
}

/** Subject references of the entries that carry personal data (for key lookup before preparing). */
export function subjectRefsNeeded(entries: readonly StampedEntry[], master: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    if (!e.entry.personal) continue;
    const id = dataSubjectOf(e)!;
    out.set(id, subjectRef(master, id));
  }
  return out;
}

/** The canonical JSON of an entry's body part (what `body_hash` covers). */
export function bodyPart(e: AuditEntry): string {
  return canonicalPart({ decision: e.decision, outcome: e.outcome, cost_micros: e.costMicros, detail: e.detail });
}

/**
 * Prepares entries. `keyFor(subjectRef)` must return the subject's active key (the appender creates
 * missing ones first, see {@link subjectRefsNeeded}); `subjectRefs` are references already computed for
 * subject ids (what {@link subjectRefsNeeded} returned), so they are not computed twice.
 */
export function prepareRecords(
  entries: readonly StampedEntry[],
  master: Buffer,
  keyFor: (ref: string) => SubjectKey,
  subjectRefs?: ReadonlyMap<string, string>,
): PreparedRecord[] {
  const out: PreparedRecord[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const st = entries[i]!;
    const e = st.entry.digests === undefined ? st.entry : resolveDigests(st.entry);
    const subject = dataSubjectOf(st);
    const ref = subject === null ? null : (subjectRefs?.get(subject) ?? subjectRef(master, subject));
    const body = bodyPart(e);
    let inputs: string | null = null;
    if (e.inputs !== undefined || e.personal !== undefined) {
      inputs = canonicalPart({ inputs: e.inputs, personal: e.personal ? encryptPersonal(keyFor(ref!), st.id, e.personal) : undefined });
    }
    const refs = e.refs;
    out[i] = {
      header: {
        id: st.id,
        ts: st.ts,
        tenant: e.tenant,
        kind: e.kind,
        actorKind: e.actor.kind,
        actorId: e.actor.id,
        agent: e.agent ?? null,
        requestId: refs?.requestId ?? null,
        session: refs?.session ?? null,
        traceId: refs?.traceId ?? null,
        subjectRef: ref,
        class: e.class ?? defaultRecordClass(e.kind),
        bodyHash: partHash(body),
        inputsHash: inputs === null ? null : partHash(inputs),
      },
      body,
      inputs,
    };
  }
  return out;
}

/**
 * Assigns sequence numbers after `head` and chains the hashes, turning the prepared records into
 * chained ones in place. Returns them and the new head; `raw`, when given, receives each record's
 * hash as bytes (for the Merkle frontier).
 */
export function chainRecords(prepared: readonly PreparedRecord[], head: ChainHead, raw?: Buffer[]): { rows: ChainedRecord[]; head: ChainHead } {
  let prev: Buffer = Buffer.from(head.hash, 'hex');
  let seq = head.seq;
  const rows = prepared as ChainedRecord[];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    seq++;
    const h = chainHash(prev, canonicalHeader(r.header, seq));
    r.seq = seq;
    r.hash = h.toString('hex');
    raw?.push(h);
    prev = h;
  }
  return { rows, head: { seq, hash: rows.length ? rows[rows.length - 1]!.hash : head.hash } };
}

/**
 * Chains a batch under the append lock: keeps the writer's chaining when it was done after the
 * actual head, else chains again. Returns the rows, whether they were re-chained, and the result.
 */
export function chainUnderLock(batch: PreparedBatch, head: ChainHead): { rows: ChainedRecord[]; result: AppendResult } {
  const pre = batch.chainedAfter;
  let rows: ChainedRecord[];
  let rechained = false;
  if (pre && pre.seq === head.seq && pre.hash === head.hash) rows = batch.records as ChainedRecord[];
  else {
    rows = chainRecords(batch.records, head).rows;
    rechained = true;
  }
  const last = rows[rows.length - 1];
  return {
    rows,
    result: {
      receipts: batch.want.map((i) => ({ id: rows[i]!.header.id, seq: rows[i]!.seq, hash: rows[i]!.hash })),
      head: last ? { seq: last.seq, hash: last.hash } : head,
      rechained,
    },
  };
}
