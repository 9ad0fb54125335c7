/**
 * The shape of audit records: what callers append ({@link AuditEntry}) and what readers get back
 * ({@link AuditRecord}). The gateway, guardrails, approvals, the admin API and agents all write
 * through these types.
 */
import type { JsonObject, JsonValue } from './json-value.js';

/** What happened. */
export type AuditKind =
  | 'gateway_request'
  | 'guardrail_verdict'
  | 'approval_decision'
  | 'key_change'
  | 'spec_change'
  | 'model_change'
  | 'admin_action'
  | 'agent_decision';

/** Every audit kind, in a stable order. */
export const AUDIT_KINDS: readonly AuditKind[] = [
  'gateway_request', 'guardrail_verdict', 'approval_decision', 'key_change', 'spec_change', 'model_change', 'admin_action', 'agent_decision',
];

/** Who acted. */
export interface AuditActor {
  kind: 'agent' | 'key' | 'human' | 'system';
  id: string;
}

/** Links to the request, session and trace the record belongs to. */
export interface AuditRefs {
  requestId?: string;
  session?: string;
  traceId?: string;
}

/** What the decision was. `recorded` is for records that decide nothing (changes, agent notes). */
export type AuditAction = 'allowed' | 'modified' | 'blocked' | 'approval_required' | 'approved' | 'rejected' | 'failed' | 'recorded';

/** One policy, guardrail, budget, limit or route rule that applied to a decision. */
export interface AuditReason {
  /** What kind of rule: `guardrail`, `budget`, `rate_limit`, `policy`, `route`, `approval`, `key`, `agent`, … */
  source: string;
  /** The rule's name (e.g. the guardrail id `pii`, the budget `team:support/day`). */
  name: string;
  /** What the rule did. */
  effect: 'allow' | 'modify' | 'block' | 'approval' | 'info';
  /** One sentence for people, e.g. `redacted 2 email addresses`. */
  detail?: string;
  /** Extra machine-readable facts (scores, limits, matched categories). */
  data?: JsonObject;
}

/** The route and model a request took. */
export interface AuditRoute {
  requestedModel?: string;
  model?: string;
  provider?: string;
  upstreamModel?: string;
  /** Version of the model/alias binding (rollout id, registry version). */
  modelVersion?: string;
  /** e.g. `alias`, `canary`, `fallback`, `cascade`, `cache`. */
  via?: string[];
}

/** An approval that a decision depended on. */
export interface AuditApproval {
  id: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  by?: string;
  at?: number;
  note?: string;
}

/** The decision and the reasons behind it. */
export interface AuditDecision {
  action: AuditAction;
  reasons?: AuditReason[];
  route?: AuditRoute;
  approval?: AuditApproval;
  /** Free text, e.g. an agent's reasoning for its own business decision. */
  summary?: string;
}

/**
 * One record to append. `inputs` and `personal` form the record's *inputs* part (retention class
 * `inputs`); `decision`, `outcome`, `costMicros` and `detail` its *body* (class `class`, by default
 * derived from `kind`). `personal` is encrypted with the key of `dataSubject` before it is stored.
 */
export interface AuditEntry {
  kind: AuditKind;
  tenant: string;
  actor: AuditActor;
  /** The agent the record is about (search dimension), when there is one. */
  agent?: string;
  refs?: AuditRefs;
  /** Id of the data subject whose personal data `personal` holds (email, customer id, …). Never stored in clear. */
  dataSubject?: string;
  /** Non-personal inputs, or hashes of inputs (e.g. `messages_sha256`). */
  inputs?: JsonObject;
  /**
   * Inputs to store hashed, hashed off the request path: each member is stored in `inputs` under
   * its name as the hex SHA-256 of its `JSON.stringify` text (members whose text is undefined are
   * skipped). The ledger serialises or hashes them during `append()`, so the caller may mutate them
   * afterwards (e.g. `{ messages_sha256: request.messages }`).
   */
  digests?: { [name: string]: unknown };
  /** Personal data: encrypted per data subject; erasing the subject makes it unreadable. */
  personal?: JsonObject;
  decision?: AuditDecision;
  /** What happened in the end (HTTP status, error code, tokens, latency, …). */
  outcome?: JsonObject;
  /** Cost in integer micro-dollars. */
  costMicros?: number;
  /** Anything else specific to the kind (e.g. a key change's before/after). */
  detail?: JsonObject;
  /** Retention class of the body (default: see `defaultRecordClass`). */
  class?: string;
  /** Milliseconds since the epoch; default: the writer's clock. */
  ts?: number;
}

/** What a committed append returns. */
export interface AuditReceipt {
  id: string;
  seq: number;
  /** Hex SHA-256 chain hash of the record. */
  hash: string;
}

/** Encrypted personal data as stored (AES-256-GCM under a data subject's key). */
export interface PersonalEnvelope {
  alg: 'A256GCM';
  /** Id of the subject key. */
  kid: string;
  iv: string;
  ct: string;
  tag: string;
}

/** A record as read back from the ledger. */
export interface AuditRecord {
  seq: number;
  id: string;
  ts: number;
  tenant: string;
  kind: AuditKind;
  actor: AuditActor;
  agent: string | null;
  refs: AuditRefs;
  /** Pseudonymous reference of the data subject (an HMAC of its id), if any. */
  subjectRef: string | null;
  class: string;
  bodyHash: string;
  inputsHash: string | null;
  hash: string;
  /** The body, or null when purged past retention. */
  body: AuditBody | null;
  /** The inputs part, or null when there is none or it was purged. */
  inputs: AuditInputs | null;
}

/** The body part of a record. */
export interface AuditBody {
  decision?: AuditDecision;
  outcome?: JsonObject;
  cost_micros?: number;
  detail?: JsonObject;
}

/** The inputs part of a record; `personal` is decrypted only when the subject key still exists. */
export interface AuditInputs {
  inputs?: JsonObject;
  personal?: PersonalEnvelope;
  /** Set by readers that decrypted `personal`; `'erased'` when its key was destroyed. */
  personalPlain?: JsonObject | 'erased';
}

/** The retention class a record's body gets when the entry names none. */
export function defaultRecordClass(kind: AuditKind): string {
  return kind === 'key_change' || kind === 'spec_change' || kind === 'model_change' || kind === 'admin_action' ? 'admin' : 'decisions';
}

/** Re-exported for convenience. */
export type { JsonObject, JsonValue };

/** An entry with its id and timestamp fixed (the writer stamps them on `append`). */
export interface StampedEntry {
  entry: AuditEntry;
  id: string;
  ts: number;
}
