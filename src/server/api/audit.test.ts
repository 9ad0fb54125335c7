/**
 * `/api/audit` through the real HTTP server (SQLite store, in-process node).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY, post, startTestDaca } from '../../../test/support/in-process-daca.js';
import { closeAuditOf, auditOf } from '../../compliance/node-audit.js';
import type { RunningDaca } from '../serve.js';

const AGENT_KEY = 'agent-key-refunds-0123456789';
const SPEC = `
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim } }
tenants: { acme: {} }
teams: { support: { tenant: acme } }
agents: { refunds: { team: support } }
keys: { refunds: { value: ${AGENT_KEY}, agent: refunds } }
`;

let d: RunningDaca;
const get = async (path: string, key = TEST_ADMIN_KEY) => {
  const r = await fetch(d.url + path, { headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  d = await startTestDaca(SPEC);
});
afterAll(async () => {
  await closeAuditOf(d.services);
  await d.close();
});

describe('/api/audit', () => {
  it('records an agent decision with an agent key, finds it by agent and session, and shows its detail', async () => {
    const r = await post(`${d.url}/api/audit/events`, AGENT_KEY, { session: 'case-42', trace_id: 'trace-9', decision: { summary: 'approved refund 42: item arrived broken', action: 'approved' }, detail: { refund_id: 42, amount_micros: 19_990_000 } });
    expect(r.status).toBe(201);
    const made = (await r.json()) as { id: string; seq: number };
    const found = await get('/api/audit?agent=refunds&session=case-42');
    expect(found.status).toBe(200);
    const recs = found.body.records as { id: string; kind: string; tenant: string; actor: unknown; trace_id: string; body: { detail: unknown } }[];
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ id: made.id, kind: 'agent_decision', tenant: 'acme', actor: { kind: 'agent', id: 'refunds' }, trace_id: 'trace-9', body: { detail: { refund_id: 42 } } });
    const one = await get(`/api/audit/records/${made.id}`);
    expect(one.body).toMatchObject({ id: made.id, seq: made.seq });
    expect((await get('/api/audit/records/aud_nope')).status).toBe(404);
  });

  it('refuses an agent key that records for another agent, and agent keys on the admin routes', async () => {
    const r = await post(`${d.url}/api/audit/events`, AGENT_KEY, { agent: 'billing', decision: { summary: 'x' } });
    expect(r.status).toBe(403);
    expect((await get('/api/audit', AGENT_KEY)).status).toBe(403);
    expect((await post(`${d.url}/api/audit/events`, 'nope-nope-nope-nope', { decision: { summary: 'x' } })).status).toBe(401);
  });

  it('explains a blocked request from its records', async () => {
    const ledger = await auditOf(d.services);
    ledger.append({
      kind: 'gateway_request', tenant: 'acme', actor: { kind: 'key', id: 'spec:refunds' }, agent: 'refunds', refs: { requestId: 'req-blocked-1', session: 'case-7' },
      decision: { action: 'blocked', reasons: [{ source: 'guardrail', name: 'pii', effect: 'block', detail: 'found 2 credit card numbers' }], route: { requestedModel: 'small' } },
      outcome: { status: 400, error_code: 'content_blocked' },
    });
    const ex = await get('/api/audit/explain/req-blocked-1');
    expect(ex.status).toBe(200);
    expect(ex.body).toMatchObject({ requestId: 'req-blocked-1', verdict: 'blocked', agent: 'refunds' });
    expect(ex.body.summary).toContain("was blocked because guardrail 'pii' blocked it (found 2 credit card numbers)");
    expect((await get('/api/audit/explain/req-unknown')).status).toBe(404);
  });

  it('verifies the ledger', async () => {
    const v = await get('/api/audit/verify');
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ ok: true, firstProblem: null });
    expect(v.body.records).toBeGreaterThanOrEqual(2);
  });
});

describe('auditAdminActions', () => {
  it('audits successful mutating admin requests and skips reads and failures', async () => {
    const { Hono } = await import('hono');
    const { auditAdminActions } = await import('./audit.js');
    const ledger = await auditOf(d.services);
    const app = new Hono<{ Variables: import('../../gateway/start-call.js').DacaVariables }>();
    app.use('*', async (c, next) => {
      c.set('principal', { keyId: 'admin', role: 'admin', tenant: 'default', team: 'default', agent: null, models: null, dev: false });
      await next();
    });
    app.use('*', auditAdminActions(async () => ledger));
    app.post('/api/keys', (c) => c.json({ ok: true }, 201));
    app.get('/api/keys', (c) => c.json([]));
    app.delete('/api/thing', (c) => c.json({ error: 'no' }, 404));
    await app.request('/api/keys', { method: 'POST' });
    await app.request('/api/keys');
    await app.request('/api/thing', { method: 'DELETE' });
    await ledger.flush();
    const { searchAudit } = await import('../../compliance/ledger-query.js');
    const recs = await searchAudit(ledger.db, { kind: 'key_change' });
    expect(recs).toHaveLength(1);
    expect(recs[0]!.body?.detail).toMatchObject({ method: 'POST', path: '/api/keys', status: 201 });
    expect(await searchAudit(ledger.db, { kind: 'admin_action', agent: undefined })).toHaveLength(0);
  });
});
