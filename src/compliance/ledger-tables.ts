/**
 * Kysely table types of the audit ledger (migration 003). Hashes are lowercase hex; JSON is text;
 * times are ms since the epoch. PostgreSQL returns `bigint` columns as strings: readers coerce.
 */

/** `audit_records`: the chain. One row per record; only header columns and hashes. */
export interface AuditRecordsTable {
  seq: number | string;
  id: string;
  ts: number | string;
  tenant: string;
  kind: string;
  actor_kind: string;
  actor_id: string;
  agent: string | null;
  request_id: string | null;
  session: string | null;
  trace_id: string | null;
  subject_ref: string | null;
  class: string;
  body_hash: string;
  inputs_hash: string | null;
  hash: string;
}

/** `audit_payloads`: the parts of each record the chain row hashes; purged columns become null. */
export interface AuditPayloadsTable {
  seq: number | string;
  /** Canonical JSON of the body, or null once purged. */
  body: string | null;
  /** Canonical JSON of the inputs part, or null when none or purged. */
  inputs: string | null;
}

/** `audit_checkpoints`: signed Merkle tree heads over the first `tree_size` records. */
export interface AuditCheckpointsTable {
  tree_size: number | string;
  ts: number | string;
  root_hash: string;
  /** Chain hash of record `tree_size`. */
  head_hash: string;
  key_id: string;
  /** Base64 Ed25519 signature over the canonical checkpoint statement. */
  signature: string;
  /** JSON `{size, stack}`: the tree's perfect-subtree roots, for incremental checkpoints. */
  frontier: string;
}

/** `audit_subject_keys`: data subjects' keys wrapped by the master key; `wrapped` is null once erased. */
export interface AuditSubjectKeysTable {
  kid: string;
  subject_ref: string;
  wrapped: string | null;
  created_at: number | string;
  erased_at: number | string | null;
}

/** `audit_legal_holds`: records matching an active hold keep their payloads past retention. */
export interface AuditLegalHoldsTable {
  id: string;
  created_at: number | string;
  released_at: number | string | null;
  reason: string;
  tenant: string | null;
  agent: string | null;
  session: string | null;
  request_id: string | null;
  from_ts: number | string | null;
  to_ts: number | string | null;
}

/** The ledger's tables, for `store.db.withTables<LedgerTables>()`. */
export type LedgerTables = {
  audit_records: AuditRecordsTable;
  audit_payloads: AuditPayloadsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_subject_keys: AuditSubjectKeysTable;
  audit_legal_holds: AuditLegalHoldsTable;
};
