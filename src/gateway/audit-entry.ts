/**
 * The audit record of a gateway call: what the agent asked (hashed), what daca decided and why
 * (the reasons the pipeline collected, the route taken, the approval), and what happened.
 * The request's messages, tools and input go in `digests`: the ledger hashes them off the request
 * path (on the audit worker) and keeps no reference to them once `append()` returns.
 */
import type { AuditAction, AuditEntry, AuditReason } from '../compliance/audit-types.js';
import type { DacaError } from '../errors.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { GatewayCall } from './call.js';

/** The reason an error stands for, by its code. */
function reasonOfError(err: DacaError): AuditReason | null {
  const d = err.details as Record<string, unknown>;
  switch (err.code) {
    case 'budget_exceeded':
      return { source: 'budget', name: String(d.limit ?? 'budget'), effect: 'block', detail: err.message };
    case 'rate_limit_exceeded':
      return { source: 'rate_limit', name: String(d.limit ?? 'rate limit'), effect: 'block', detail: err.message };
    case 'content_blocked':
      return { source: 'guardrail', name: String(d.guardrail ?? 'guardrail'), effect: 'block', detail: err.message };
    case 'approval_required':
      return { source: 'approval', name: String(d.rule ?? 'approval'), effect: 'approval', detail: err.message };
    case 'forbidden':
      return { source: 'key', name: 'access', effect: 'block', detail: err.message };
    default:
      return null;
  }
}

function actionOf(rec: UsageRecord, err: DacaError | undefined, reasons: readonly AuditReason[]): AuditAction {
  if (rec.status < 400) return reasons.some((r) => r.effect === 'modify') ? 'modified' : 'allowed';
  if (rec.errorCode === 'approval_required') return 'approval_required';
  if (err && reasonOfError(err)) return 'blocked';
  return 'failed';
}

/** Builds the `gateway_request` audit entry of a finished call. */
export function auditEntryOf(call: GatewayCall, rec: UsageRecord, err?: DacaError): AuditEntry {
  const reasons: AuditReason[] = [...call.reasons];
  const fromError = err ? reasonOfError(err) : null;
  if (fromError) reasons.push(fromError);
  const inputs: NonNullable<AuditEntry['inputs']> = { model: call.requestedModel, route: call.route, stream: call.stream };
  const req = call.request as { messages?: unknown; tools?: unknown; input?: unknown } | undefined;
  let digests: NonNullable<AuditEntry['digests']> | undefined;
  if (req?.messages !== undefined) {
    digests = { messages_sha256: req.messages };
    inputs.message_count = Array.isArray(req.messages) ? req.messages.length : 0;
  }
  if (req?.tools !== undefined) (digests ??= {}).tools_sha256 = req.tools;
  if (req?.input !== undefined) (digests ??= {}).input_sha256 = req.input;
  const via = [...call.via];
  if (rec.model && rec.model !== call.requestedModel && !via.length) via.push('alias');
  const entry: AuditEntry = {
    kind: 'gateway_request',
    tenant: rec.tenant,
    actor: { kind: 'key', id: rec.keyId },
    agent: rec.agent,
    refs: { requestId: rec.id, ...(rec.session ? { session: rec.session } : {}), ...(call.span.traceId ? { traceId: call.span.traceId } : {}) },
    inputs,
    ...(digests ? { digests } : {}),
    decision: {
      action: actionOf(rec, err, reasons),
      reasons,
      route: { requestedModel: call.requestedModel, model: rec.model, provider: rec.provider, upstreamModel: rec.upstreamModel, ...(via.length ? { via } : {}) },
      ...(call.approvalRecord ? { approval: call.approvalRecord } : {}),
    },
    outcome: {
      status: rec.status,
      ...(rec.errorCode ? { error_code: rec.errorCode } : {}),
      ...(rec.finishReason ? { finish_reason: rec.finishReason } : {}),
      input_tokens: rec.inputTokens,
      output_tokens: rec.outputTokens,
      latency_ms: Math.round(rec.latencyMs * 1000) / 1000,
    },
    costMicros: rec.costMicros,
    ts: rec.ts,
  };
  if (call.dataSubject) entry.dataSubject = call.dataSubject;
  return entry;
}
