/**
 * `explainRequest()`: why a request was allowed, changed, blocked or sent for approval, from its
 * audit records (the gateway's `gateway_request` record plus any `guardrail_verdict`,
 * `approval_decision` and `agent_decision` records with the same request id), in plain language
 * and as JSON.
 */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../errors.js';
import type { AuditAction, AuditReason, AuditRecord, AuditRoute } from './audit-types.js';
import type { LedgerTables } from './ledger-tables.js';
import { searchAudit } from './ledger-query.js';

/** The verdict on a request as a whole. */
export type RequestVerdict = 'allowed' | 'modified' | 'blocked' | 'approval_required' | 'failed' | 'unknown';

/** One step of an explanation: a record and what it says. */
export interface ExplanationStep {
  seq: number;
  id: string;
  ts: number;
  kind: AuditRecord['kind'];
  actor: AuditRecord['actor'];
  action: AuditAction | null;
  reasons: AuditReason[];
  /** One sentence. */
  text: string;
}

/** Why a request ended as it did. */
export interface Explanation {
  requestId: string;
  verdict: RequestVerdict;
  /** A short paragraph for people. */
  summary: string;
  tenant: string;
  agent: string | null;
  session: string | null;
  traceId: string | null;
  route: AuditRoute | null;
  approval: { id: string; status: string; by?: string } | null;
  costMicros: number | null;
  steps: ExplanationStep[];
}

const SEVERITY: Record<RequestVerdict, number> = { unknown: 0, allowed: 1, modified: 2, approval_required: 3, blocked: 4, failed: 5 };

function verdictOf(a: AuditAction | undefined): RequestVerdict | null {
  switch (a) {
    case 'allowed':
    case 'approved':
      return 'allowed';
    case 'modified':
      return 'modified';
    case 'blocked':
    case 'rejected':
      return 'blocked';
    case 'approval_required':
      return 'approval_required';
    case 'failed':
      return 'failed';
    default:
      return null;
  }
}

const EFFECT_WORD: Record<AuditReason['effect'], string> = { allow: 'allowed it', modify: 'changed it', block: 'blocked it', approval: 'required an approval', info: 'noted' };

function reasonText(r: AuditReason): string {
  return `${r.source} '${r.name}' ${EFFECT_WORD[r.effect] ?? r.effect}${r.detail ? ` (${r.detail})` : ''}`;
}

function stepText(r: AuditRecord): string {
  const d = r.body?.decision;
  const who = `${r.actor.kind} ${r.actor.id}`;
  const reasons = (d?.reasons ?? []).map(reasonText);
  const tail = reasons.length ? `: ${reasons.join('; ')}` : '';
  switch (r.kind) {
    case 'gateway_request':
      return `The gateway ${d?.action ?? 'handled'} the request from ${who}${tail}.`;
    case 'guardrail_verdict':
      return `A guardrail ${d?.action ?? 'checked'} the ${String(r.body?.detail?.stage ?? 'request')}${tail}.`;
    case 'approval_decision':
      return `${d?.approval?.by ?? who} ${d?.approval?.status ?? d?.action ?? 'decided'} approval ${d?.approval?.id ?? ''}${d?.approval?.note ? ` ("${d.approval.note}")` : ''}.`.replace(/ +\./, '.');
    case 'agent_decision':
      return `Agent ${r.agent ?? r.actor.id} recorded a decision${d?.summary ? `: ${d.summary}` : ''}.`;
    default:
      return `${r.kind.replace('_', ' ')} by ${who}${d?.summary ? `: ${d.summary}` : ''}.`;
  }
}

function routeText(route: AuditRoute | null): string {
  if (!route) return '';
  const parts = [`It was routed to model ${route.model ?? route.requestedModel ?? '?'}`];
  if (route.provider) parts.push(`on ${route.provider}`);
  if (route.requestedModel && route.model && route.requestedModel !== route.model) parts.push(`(asked for ${route.requestedModel})`);
  if (route.modelVersion) parts.push(`version ${route.modelVersion}`);
  if (route.via?.length) parts.push(`via ${route.via.join(', ')}`);
  return parts.join(' ') + '.';
}

/**
 * Explains a request from its audit records.
 * @throws NotFoundError when the ledger has no record of the request.
 * @example
 * ```ts
 * const ex = await explainRequest(db, 'req_123');
 * console.log(ex.summary);
 * ```
 */
export async function explainRequest(db: Kysely<LedgerTables>, requestId: string, opts: { tenant?: string } = {}): Promise<Explanation> {
  const records = (await searchAudit(db, { requestId, limit: 1000, ...(opts.tenant ? { tenant: opts.tenant } : {}) })).reverse();
  if (records.length === 0) throw new NotFoundError(`the audit ledger has no record of request '${requestId}'`);
  const main = records.find((r) => r.kind === 'gateway_request') ?? records[0]!;
  let verdict: RequestVerdict = verdictOf(main.kind === 'gateway_request' ? main.body?.decision?.action : undefined) ?? 'unknown';
  if (verdict === 'unknown' || verdict === 'allowed') {
    for (const r of records) {
      const v = verdictOf(r.body?.decision?.action);
      if (v && SEVERITY[v] > SEVERITY[verdict] && r.kind !== 'agent_decision') verdict = v;
    }
  }
  let approval: Explanation['approval'] = null;
  for (const r of records) {
    const a = r.body?.decision?.approval;
    if (a) approval = { id: a.id, status: a.status, ...(a.by ? { by: a.by } : {}) };
  }
  const route = main.body?.decision?.route ?? null;
  const steps = records.map((r) => ({
    seq: r.seq, id: r.id, ts: r.ts, kind: r.kind, actor: r.actor, action: r.body?.decision?.action ?? null,
    reasons: r.body?.decision?.reasons ?? [], text: r.body ? stepText(r) : `${r.kind} record ${r.id} (payload purged past retention).`,
  }));
  const decisive = records
    .flatMap((r) => r.body?.decision?.reasons ?? [])
    .filter((x) => x.effect !== 'allow' && x.effect !== 'info');
  const WORD: Record<RequestVerdict, string> = {
    allowed: 'was allowed', modified: 'was allowed after changes', blocked: 'was blocked', approval_required: 'was held for a human approval',
    failed: 'failed', unknown: 'has no recorded decision',
  };
  const because = decisive.length ? ` because ${decisive.map(reasonText).join('; ')}` : verdict === 'allowed' ? ' because no policy, guardrail, budget or limit objected' : '';
  const cost = typeof main.body?.cost_micros === 'number' ? main.body.cost_micros : null;
  const summary = [
    `Request ${requestId}${main.agent ? ` by agent ${main.agent}` : ''} (tenant ${main.tenant}, ${main.actor.kind} ${main.actor.id}) at ${new Date(main.ts).toISOString()} ${WORD[verdict]}${because}.`,
    routeText(route),
    approval ? `Approval ${approval.id} is ${approval.status}${approval.by ? ` (by ${approval.by})` : ''}.` : '',
    cost !== null ? `It cost $${(cost / 1e6).toFixed(6)}.` : '',
  ].filter(Boolean).join(' ');
  return {
    requestId, verdict, summary, tenant: main.tenant, agent: main.agent, session: main.refs.session ?? null, traceId: main.refs.traceId ?? null,
    route, approval, costMicros: cost, steps,
  };
}
