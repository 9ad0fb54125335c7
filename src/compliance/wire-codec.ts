/**
 * How entries travel to the audit worker. An entry with no personal data and no digests is
 * canonicalised where it is appended, with the object already in hand: it becomes a
 * {@link WireRecord} (the chain row's columns and the two canonical payload texts, exactly what
 * {@link prepareRecords} makes of it, payload hashes included), and a batch of them crosses as
 * columns of strings: nothing for the worker to parse, canonicalise or hash but the chain itself.
 *
 * Entries with personal data (encrypted under a subject key that only the worker's transaction may
 * look up), with digests (hashing them can be large work), with header fields that are not plain
 * strings, or that canonical JSON rejects (NaN, lone surrogates) travel as their JSON text
 * ({@link encodeEntry}) and are prepared on the worker from it, as before: the ledger's bytes do not
 * depend on the path an entry took.
 */
import type { BatchColumns } from './columnar-batch.js';
import type { AuditEntry } from './audit-types.js';
import { defaultRecordClass } from './audit-types.js';
import { encodeEntry } from './entry-codec.js';
import { bodyPart, type StampedEntry } from './prepare-records.js';
import { canonicalPart, partHash, type RecordHeader } from './record-hash.js';

/** An entry canonicalised by the producer (see the module comment). */
export interface WireRecord extends Omit<RecordHeader, 'subjectRef'> {
  /** Canonical JSON of the body part (`bodyHash` is its SHA-256). */
  body: string;
  /** Canonical JSON of the inputs part, or null when the entry has no inputs (`inputsHash` likewise). */
  inputs: string | null;
}

/** What the writer buffers for the worker: a canonicalised record, or an entry's JSON text. */
export type WireItem = WireRecord | string;

/** A batch of wire items as columns; the entries at `rawAt` travel as JSON text in `raw` (their column slots hold placeholders). */
export interface WireBatch extends Omit<BatchColumns, 'subjectRef' | 'seq' | 'hash'> {
  n: number;
  /** JSON texts ({@link encodeEntry}) of the entries the producer did not canonicalise… */
  raw: string[];
  /** …and their indexes in the batch, ascending. */
  rawAt: number[];
}

const optStr = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';

/** The header fields of an entry, when every one is what the JSON path would store unchanged. */
function plainHeader(e: AuditEntry): boolean {
  const a = e.actor as unknown;
  if (typeof a !== 'object' || a === null) return false;
  const r = e.refs as unknown;
  if (r !== undefined && (typeof r !== 'object' || r === null)) return false;
  return (
    typeof e.tenant === 'string' && typeof e.kind === 'string' && typeof e.actor.kind === 'string' && typeof e.actor.id === 'string' &&
    optStr(e.agent) && (e.class === undefined || typeof e.class === 'string') &&
    (r === undefined || (optStr(e.refs!.requestId) && optStr(e.refs!.session) && optStr(e.refs!.traceId)))
  );
}

/**
 * Encodes a stamped entry for the worker: a {@link WireRecord} when the entry can be canonicalised
 * here, else its JSON text.
 * @throws InvalidRequestError when the entry cannot be written as JSON (a bigint, a cycle).
 */
export function encodeWire(s: StampedEntry): WireItem {
  const e = s.entry;
  const inputs = e.inputs as unknown;
  if (e.personal !== undefined || e.digests !== undefined || typeof inputs === 'function' || typeof inputs === 'symbol' || !plainHeader(e)) return encodeEntry(s);
  let body: string;
  let inputsText: string | null;
  try {
    body = bodyPart(e);
    inputsText = inputs === undefined ? null : canonicalPart({ inputs });
  } catch {
    // What canonical JSON rejects takes the JSON path, which stores what it always stored (or fails as it always did).
    return encodeEntry(s);
  }
  const refs = e.refs;
  return {
    id: s.id, ts: s.ts, tenant: e.tenant, kind: e.kind, actorKind: e.actor.kind, actorId: e.actor.id, agent: e.agent ?? null,
    requestId: refs?.requestId ?? null, session: refs?.session ?? null, traceId: refs?.traceId ?? null,
    class: e.class ?? defaultRecordClass(e.kind), body, inputs: inputsText,
    // Hashing here also flattens the texts, which canonical JSON builds as ropes: a rope kept in the
    // writer's buffer until its batch is sent would keep every one of its pieces alive with it.
    bodyHash: partHash(body), inputsHash: inputsText === null ? null : partHash(inputsText),
  };
}

/**
 * Turns wire items into one {@link WireBatch}. The columns are filled by `push` so they stay packed
 * arrays, which structured clone copies densely (a holey array would go element by element).
 */
export function toWireBatch(items: readonly WireItem[]): WireBatch {
  const b: WireBatch = {
    n: items.length, id: [], ts: [], tenant: [], kind: [], actorKind: [], actorId: [], agent: [], requestId: [], session: [], traceId: [],
    class: [], body: [], inputs: [], bodyHash: [], inputsHash: [], raw: [], rawAt: [],
  };
  for (let i = 0; i < items.length; i++) {
    let r = items[i]!;
    if (typeof r === 'string') {
      b.raw.push(r);
      b.rawAt.push(i);
      r = PLACEHOLDER;
    }
    b.id.push(r.id);
    b.ts.push(r.ts);
    b.tenant.push(r.tenant);
    b.kind.push(r.kind);
    b.actorKind.push(r.actorKind);
    b.actorId.push(r.actorId);
    b.agent.push(r.agent);
    b.requestId.push(r.requestId);
    b.session.push(r.session);
    b.traceId.push(r.traceId);
    b.class.push(r.class);
    b.body.push(r.body);
    b.inputs.push(r.inputs);
    b.bodyHash.push(r.bodyHash);
    b.inputsHash.push(r.inputsHash);
  }
  return b;
}

/** Fills the column slots of entries that travel as JSON (the worker overwrites them). */
const PLACEHOLDER: WireRecord = {
  id: '', ts: 0, tenant: '', kind: '', actorKind: '', actorId: '', agent: null, requestId: null, session: null, traceId: null, class: '', body: '', inputs: null, bodyHash: '', inputsHash: null,
};
