/**
 * Conversions between ledger rows and records. PostgreSQL returns `bigint` as strings, so every
 * numeric column is coerced; a value that is not a safe integer stays NaN and fails verification.
 */
import type { AuditBody, AuditInputs, AuditKind, AuditRecord } from './audit-types.js';
import type { Checkpoint } from './checkpoint.js';
import type { AuditCheckpointsTable, AuditRecordsTable } from './ledger-tables.js';
import type { RecordHeader } from './record-hash.js';

/** A chain row joined with its payload columns (null when the payload row is missing). */
export type JoinedRow = AuditRecordsTable & { p_seq: number | string | null; body: string | null; inputs: string | null };

/** Columns to select for a {@link JoinedRow}. */
export const JOINED_COLUMNS = [
  'r.seq', 'r.id', 'r.ts', 'r.tenant', 'r.kind', 'r.actor_kind', 'r.actor_id', 'r.agent', 'r.request_id', 'r.session', 'r.trace_id',
  'r.subject_ref', 'r.class', 'r.body_hash', 'r.inputs_hash', 'r.hash', 'p.seq as p_seq', 'p.body', 'p.inputs',
] as const;

/** Strict integer coercion: NaN unless the value is an integer (number or digit string). */
export function int(v: unknown): number {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : NaN;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return NaN;
}

/** The hashed header of a row, exactly as stored (strings stay strings, so edits show). */
export function headerOfRow(r: AuditRecordsTable): RecordHeader {
  const t = (v: unknown): string => (typeof v === 'string' ? v : String(v));
  const n = (v: unknown): string | null => (v === null || v === undefined ? null : t(v));
  return {
    id: t(r.id), ts: int(r.ts), tenant: t(r.tenant), kind: t(r.kind), actorKind: t(r.actor_kind), actorId: t(r.actor_id),
    agent: n(r.agent), requestId: n(r.request_id), session: n(r.session), traceId: n(r.trace_id), subjectRef: n(r.subject_ref),
    class: t(r.class), bodyHash: t(r.body_hash), inputsHash: n(r.inputs_hash),
  };
}

function parse<T>(s: string | null): T | null {
  if (s === null) return null;
  try {
    return JSON.parse(s) as T;
  } catch {
    return null;
  }
}

/** A record from a joined row (payloads parsed; personal data left encrypted). */
export function recordOfRow(r: JoinedRow): AuditRecord {
  return {
    seq: int(r.seq), id: r.id, ts: int(r.ts), tenant: r.tenant, kind: r.kind as AuditKind,
    actor: { kind: r.actor_kind as AuditRecord['actor']['kind'], id: r.actor_id }, agent: r.agent,
    refs: {
      ...(r.request_id !== null ? { requestId: r.request_id } : {}),
      ...(r.session !== null ? { session: r.session } : {}),
      ...(r.trace_id !== null ? { traceId: r.trace_id } : {}),
    },
    subjectRef: r.subject_ref, class: r.class, bodyHash: r.body_hash, inputsHash: r.inputs_hash, hash: r.hash,
    body: parse<AuditBody>(r.body), inputs: parse<AuditInputs>(r.inputs),
  };
}

/** A checkpoint from its row. */
export function checkpointOfRow(r: AuditCheckpointsTable): Checkpoint {
  return { treeSize: int(r.tree_size), ts: int(r.ts), rootHash: r.root_hash, headHash: r.head_hash, keyId: r.key_id, signature: r.signature };
}
