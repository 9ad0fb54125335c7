/**
 * The hash chain. Each record's hash is `SHA-256(prev_hash || JCS(header))`, where the header holds
 * every column of the chain row except the hash itself (sequence number included), and the hashes of the record's payload parts
 * (so the payload itself can be purged or moved without breaking the chain). The first record's
 * `prev_hash` is 32 zero bytes.
 */
import { createHash, hash } from 'node:crypto';
import { canonicalize } from './canonical-json.js';

/** The chain row of one record, without its sequence number and hash (see {@link canonicalHeader}). */
export interface RecordHeader {
  id: string;
  ts: number;
  tenant: string;
  kind: string;
  actorKind: string;
  actorId: string;
  agent: string | null;
  requestId: string | null;
  session: string | null;
  traceId: string | null;
  subjectRef: string | null;
  class: string;
  /** Hex SHA-256 of the canonical body part. */
  bodyHash: string;
  /** Hex SHA-256 of the canonical inputs part, or null when the record has none. */
  inputsHash: string | null;
}

/** `prev_hash` of the first record: 32 zero bytes, hex. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version of the header layout, hashed into every record. */
export const HEADER_VERSION = 1;

/** Characters JSON escapes (and surrogates, which JSON.stringify escapes when unpaired). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(v)`, quoting a plain string directly (the common case, measurably cheaper). */
const s = (v: string | null): string => (v === null ? 'null' : typeof v === 'string' && !NEEDS_ESCAPE.test(v) ? '"' + v + '"' : JSON.stringify(v));

function int(v: number, name: string): string {
  if (!Number.isSafeInteger(v)) throw new TypeError(`${name} must be an integer, got ${String(v)}`);
  return String(v);
}

/**
 * The RFC 8785 canonical JSON of a header, written directly in sorted member order (equal to
 * `canonicalize(headerObject(h))`, which the tests check; this is the hot path).
 */
export function canonicalHeader(h: RecordHeader, seq: number): string {
  return (
    `{"actor":{"id":${s(h.actorId)},"kind":${s(h.actorKind)}},"agent":${s(h.agent)},"body_hash":${s(h.bodyHash)},` +
    `"class":${s(h.class)},"id":${s(h.id)},"inputs_hash":${s(h.inputsHash)},"kind":${s(h.kind)},` +
    `"request_id":${s(h.requestId)},"seq":${int(seq, 'seq')},"session":${s(h.session)},"subject_ref":${s(h.subjectRef)},` +
    `"tenant":${s(h.tenant)},"trace_id":${s(h.traceId)},"ts":${int(h.ts, 'ts')},"v":${HEADER_VERSION}}`
  );
}

/** The header as a plain object (what {@link canonicalHeader} serialises), for exports and checks. */
export function headerObject(h: RecordHeader, seq: number): Record<string, unknown> {
  return {
    v: HEADER_VERSION, seq, id: h.id, ts: h.ts, tenant: h.tenant, kind: h.kind,
    actor: { kind: h.actorKind, id: h.actorId }, agent: h.agent, request_id: h.requestId, session: h.session,
    trace_id: h.traceId, subject_ref: h.subjectRef, class: h.class, body_hash: h.bodyHash, inputs_hash: h.inputsHash,
  };
}

let scratch = Buffer.allocUnsafe(16_384);

/** `SHA-256(prev || canonical)` as a Buffer. `prev` is the previous record's 32-byte hash. */
export function chainHash(prev: Buffer, canonical: string): Buffer {
  // One-shot hashing over a reused buffer: about twice as fast as createHash().update().update().
  if (prev.length !== 32) return createHash('sha256').update(prev).update(canonical, 'utf8').digest();
  if (scratch.length < 32 + canonical.length * 3) scratch = Buffer.allocUnsafe(32 + canonical.length * 3);
  prev.copy(scratch, 0);
  const n = scratch.write(canonical, 32, 'utf8');
  return hash('sha256', scratch.subarray(0, 32 + n), 'buffer');
}

/** Hex SHA-256 of a canonical payload part. */
export function partHash(canonical: string): string {
  return hash('sha256', canonical, 'hex');
}

/** Canonical JSON of a payload part (re-exported so every writer uses the same function). */
export const canonicalPart: (value: unknown) => string = canonicalize;
