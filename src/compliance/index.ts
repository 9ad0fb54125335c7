/**
 * The compliance capability's public surface: the audit ledger, verification, explanations,
 * data subjects, retention and evidence export.
 */
export { openAuditLedger, type AuditLedger, type AuditLedgerOptions } from './audit-ledger.js';
export { auditOf, closeAuditOf } from './node-audit.js';
export { AuditSpecSchema, retentionPolicyOf, type AuditSpec } from './audit-spec.js';
export {
  AUDIT_KINDS, defaultRecordClass,
  type AuditEntry, type AuditKind, type AuditActor, type AuditRefs, type AuditDecision, type AuditReason, type AuditRoute,
  type AuditApproval, type AuditAction, type AuditReceipt, type AuditRecord, type AuditBody, type AuditInputs,
} from './audit-types.js';
export { verifyLedger, type VerifyReport, type VerifyProblem, type VerifyProblemKind } from './verify-ledger.js';
export { explainRequest, type Explanation, type RequestVerdict } from './explain.js';
export { searchAudit, getAuditRecord, revealPersonal, type AuditSearch } from './ledger-query.js';
export { eraseSubject, exportSubject, type ErasureResult, type SubjectExport } from './subjects.js';
export { purgeExpired, placeHold, releaseHold, listHolds, parseRetention, DEFAULT_RETENTION, type RetentionPolicy, type LegalHold } from './retention.js';
export { exportEvidence, type EvidenceOptions, type EvidenceSummary } from './evidence-export.js';
export { loadAuditSigner, loadAuditPublicKey, type AuditSigner } from './key-material.js';
export { canonicalize } from './canonical-json.js';
export { MerkleTree, MerkleFrontier, leafHash, nodeHash, verifyInclusion, verifyConsistency } from './merkle.js';
export type { Checkpoint } from './checkpoint.js';
