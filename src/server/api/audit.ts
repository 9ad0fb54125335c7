/**
 * `/api/audit`: search the ledger, one record, verification, explanations — and
 * `/api/audit/events`, where an agent records its own business decision (any valid key; an
 * agent-bound key records for its own agent only).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { AuditLedger } from '../../compliance/audit-ledger.js';
import { AUDIT_KINDS, type AuditKind, type AuditRecord } from '../../compliance/audit-types.js';
import { explainRequest } from '../../compliance/explain.js';
import { getAuditRecord, searchAudit, type AuditSearch } from '../../compliance/ledger-query.js';
import { verifyLedger } from '../../compliance/verify-ledger.js';
import { parseJson } from './parse.js';
import { assertVisible, scopeOf, tenantFilter } from '../access/scope.js';
import { auditFactsOf } from '../access/audit-facts.js';
import { groupOf, neededAccess } from '../access/permissions.js';
import { parseTime } from './usage.js';


/** What the audit routes need. */
export interface AuditApiDeps {
  ledger: () => Promise<AuditLedger>;
  now?: () => number;
}

/** The JSON view of a record. */
export function auditRecordView(r: AuditRecord): Record<string, unknown> {
  return {
    seq: r.seq, id: r.id, ts: r.ts, time: new Date(r.ts).toISOString(), tenant: r.tenant, kind: r.kind, actor: r.actor, agent: r.agent,
    request_id: r.refs.requestId ?? null, session: r.refs.session ?? null, trace_id: r.refs.traceId ?? null, subject_ref: r.subjectRef,
    class: r.class, hash: r.hash, body_hash: r.bodyHash, inputs_hash: r.inputsHash, body: r.body,
    inputs: r.inputs ? { inputs: r.inputs.inputs ?? null, personal: r.inputs.personal ? 'encrypted' : null } : null,
  };
}

function searchFrom(q: Record<string, string>, now: number): AuditSearch {
  const s: AuditSearch = {};
  if (q.tenant) s.tenant = q.tenant;
  if (q.agent) s.agent = q.agent;
  if (q.session) s.session = q.session;
  if (q.request_id) s.requestId = q.request_id;
  if (q.trace_id) s.traceId = q.trace_id;
  if (q.kind) {
    if (!AUDIT_KINDS.includes(q.kind as AuditKind)) throw new InvalidRequestError(`kind must be one of ${AUDIT_KINDS.join(', ')}`, { param: 'kind' });
    s.kind = q.kind as AuditKind;
  }
  if (q.from) s.from = parseTime(q.from, 'from', now);
  if (q.to) s.to = parseTime(q.to, 'to', now);
  for (const [k, name] of [['before', 'beforeSeq'], ['limit', 'limit']] as const) {
    if (!q[k]) continue;
    const n = Number(q[k]);
    if (!Number.isInteger(n) || n < 1) throw new InvalidRequestError(`${k} must be a positive integer`, { param: k });
    s[name] = n;
  }
  return s;
}

/** Builds the admin audit routes (mount under `/api/audit`, behind admin authentication). */
export function auditApi(deps: AuditApiDeps) {
  const app = new Hono<{ Variables: DacaVariables }>();
  const now = deps.now ?? Date.now;
  app.get('/', async (c) => {
    const q = searchFrom(c.req.query(), now());
    const tenant = tenantFilter(c, q.tenant);
    if (tenant === undefined) delete q.tenant;
    else q.tenant = tenant;
    const ledger = await deps.ledger();
    await ledger.flush();
    const records = await searchAudit(ledger.db, q);
    const limit = q.limit ?? 100;
    return c.json({ records: records.map(auditRecordView), next_before: records.length === Math.min(limit, 1000) ? records[records.length - 1]!.seq : null });
  });
  // The chain is one for every tenant, so verification covers it whole; the report holds counts,
  // hashes and sequence numbers only, never another tenant's content.
  app.get('/verify', async (c) => {
    const ledger = await deps.ledger();
    await ledger.flush();
    return c.json(await verifyLedger(ledger.db, ledger.signer));
  });
  app.get('/explain/:id', async (c) => {
    const ledger = await deps.ledger();
    await ledger.flush();
    const scope = scopeOf(c).tenant;
    return c.json(await explainRequest(ledger.db, c.req.param('id'), scope === null ? {} : { tenant: scope }));
  });
  app.get('/records/:id', async (c) => {
    const ledger = await deps.ledger();
    await ledger.flush();
    const r = await getAuditRecord(ledger.db, c.req.param('id'));
    const missing = () => `no audit record '${c.req.param('id')}'`;
    if (!r) throw new NotFoundError(missing());
    assertVisible(c, r.tenant, missing);
    return c.json(auditRecordView(r));
  });
  return app;
}

const json = z.json();
const EventSchema = z
  .object({
    agent: z.string().min(1).max(128).optional(),
    session: z.string().min(1).max(256).optional(),
    trace_id: z.string().min(1).max(256).optional(),
    request_id: z.string().min(1).max(256).optional(),
    decision: z
      .object({
        summary: z.string().min(1).max(20_000),
        action: z.enum(['allowed', 'modified', 'blocked', 'approved', 'rejected', 'failed', 'recorded']).default('recorded'),
        reasons: z
          .array(z.object({ source: z.string().min(1), name: z.string().min(1), effect: z.enum(['allow', 'modify', 'block', 'approval', 'info']), detail: z.string().optional() }).strict())
          .default([]),
      })
      .strict(),
    detail: z.record(z.string(), json).optional(),
    data_subject: z.string().min(1).max(512).optional(),
    personal: z.record(z.string(), json).optional(),
  })
  .strict();

/**
 * `POST /api/audit/events`: an agent's own decision, linked to its model calls by session and
 * trace id. Behind the `/api` access middleware (agents, operators and admins may post).
 */
export function auditEventsApi(deps: AuditApiDeps) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.post('/', async (c) => {
    const p = c.get('principal');
    const body = await parseJson(c, EventSchema, 'audit event');
    const agent = body.agent ?? p.agent ?? undefined;
    if (p.agent && body.agent && body.agent !== p.agent) throw new ForbiddenError(`this key is bound to agent '${p.agent}' and cannot record for '${body.agent}'`);
    if (!agent && p.role === 'agent') throw new InvalidRequestError('name the agent (`agent`) or use a key bound to one', { param: 'agent' });
    const ledger = await deps.ledger();
    const receipt = await ledger.appendAndWait({
      kind: 'agent_decision', tenant: p.tenant, actor: agent ? { kind: 'agent', id: agent } : { kind: 'key', id: p.keyId }, ...(agent ? { agent } : {}),
      refs: { ...(body.session ? { session: body.session } : {}), ...(body.trace_id ? { traceId: body.trace_id } : {}), ...(body.request_id ? { requestId: body.request_id } : {}) },
      decision: { action: body.decision.action, reasons: body.decision.reasons, summary: body.decision.summary },
      ...(body.detail ? { detail: body.detail as Record<string, never> } : {}),
      ...(body.personal ? { personal: body.personal as Record<string, never>, ...(body.data_subject ? { dataSubject: body.data_subject } : {}) } : {}),
      ...(body.data_subject && !body.personal ? { dataSubject: body.data_subject } : {}),
    });
    return c.json({ id: receipt.id, seq: receipt.seq, hash: receipt.hash }, 201);
  });
  return app;
}

/**
 * Middleware that audits admin actions: after every successful mutating request (`POST`, `PUT`,
 * `PATCH`, `DELETE`) under the mounted path it appends a record naming the key and its role, the
 * route, the status and what the route noted (see access/audit-facts.ts), filed under the tenant
 * the change belongs to. Read-only POSTs of the permission table (search, plan, advice) and routes
 * that wrote their own record are skipped.
 */
export function auditAdminActions(ledger: () => Promise<AuditLedger>): MiddlewareHandler<{ Variables: DacaVariables }> {
  return async (c, next) => {
    await next();
    const m = c.req.method;
    if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS' || c.res.status >= 400) return;
    const p = c.get('principal');
    if (!p) return;
    const group = groupOf(c.req.path);
    if (group && neededAccess(group, m, c.req.path) === 'read') return;
    const facts = auditFactsOf(c);
    if (facts.recorded) return;
    const path = c.req.path;
    const kind = facts.kind ?? (path.startsWith('/api/keys') ? 'key_change' : path.startsWith('/api/spec') ? 'spec_change' : 'admin_action');
    const l = await ledger();
    l.append({
      kind, tenant: facts.tenant ?? (p.allTenants ? '*' : p.tenant), actor: { kind: 'key', id: p.keyId }, class: 'admin',
      decision: { action: 'recorded', summary: `${p.role} ${p.keyId}: ${m} ${path} -> ${c.res.status}` },
      detail: { method: m, path, status: c.res.status, role: p.role, actor_role: p.role, actor_scope: p.allTenants ? '*' : p.tenant, ...(group ? { route_group: group.path } : {}), ...(facts.detail ?? {}) },
    });
  };
}
