/**
 * The shapes of `/api/audit` as the dashboard reads them: records, an explanation, a verification.
 */

/** A reason behind a decision. */
export interface AuditReasonView {
  source: string;
  name: string;
  effect: 'allow' | 'modify' | 'block' | 'approval' | 'info';
  detail?: string;
}

/** The decision part of a record's body. */
export interface AuditDecisionView {
  action: string;
  reasons?: AuditReasonView[];
  route?: { requestedModel?: string; model?: string; provider?: string; modelVersion?: string; via?: string[] };
  approval?: { id: string; status: string; by?: string; note?: string };
  summary?: string;
}

/** One record (`GET /api/audit`, `GET /api/audit/records/:id`). */
export interface AuditRecordView {
  seq: number;
  id: string;
  ts: number;
  time: string;
  tenant: string;
  kind: string;
  actor: { kind: string; id: string };
  agent: string | null;
  request_id: string | null;
  session: string | null;
  trace_id: string | null;
  subject_ref: string | null;
  class: string;
  hash: string;
  body_hash: string;
  inputs_hash: string | null;
  body: { decision?: AuditDecisionView; outcome?: Record<string, unknown>; cost_micros?: number; detail?: Record<string, unknown> } | null;
  inputs: { inputs: Record<string, unknown> | null; personal: 'encrypted' | null } | null;
}

/** `GET /api/audit`. */
export interface AuditSearchResult {
  records: AuditRecordView[];
  next_before: number | null;
}

/** `GET /api/audit/explain/:request` (what `daca audit explain --json` prints). */
export interface ExplanationView {
  requestId: string;
  verdict: 'allowed' | 'modified' | 'blocked' | 'approval_required' | 'failed' | 'unknown';
  summary: string;
  tenant: string;
  agent: string | null;
  session: string | null;
  traceId: string | null;
  route: AuditDecisionView['route'] | null;
  approval: { id: string; status: string; by?: string } | null;
  costMicros: number | null;
  steps: { seq: number; id: string; ts: number; kind: string; actor: { kind: string; id: string }; action: string | null; reasons: AuditReasonView[]; text: string }[];
}

/** One problem found by a verification. */
export interface VerifyProblemView {
  kind: string;
  seq: number | null;
  id: string | null;
  checkpoint?: number;
  message: string;
}

/** `GET /api/audit/verify`. */
export interface VerifyReportView {
  ok: boolean;
  records: number;
  checkpoints: number;
  verifiedThrough: number;
  unanchored: number;
  head: { seq: number; hash: string };
  purgedParts: number;
  firstProblem: VerifyProblemView | null;
  problems: VerifyProblemView[];
  durationMs: number;
}

/** The badge tone of a decision or verdict. */
export function actionTone(a: string | null | undefined): 'ok' | 'warn' | 'bad' | 'info' | 'muted' {
  switch (a) {
    case 'allowed':
    case 'approved':
      return 'ok';
    case 'modified':
    case 'approval_required':
      return 'warn';
    case 'blocked':
    case 'rejected':
    case 'failed':
      return 'bad';
    case 'recorded':
      return 'info';
    default:
      return 'muted';
  }
}
