/**
 * Access control over real HTTP: every `/api` route the app registers is in the permission table,
 * every role is refused exactly where the table says (403 `forbidden`, with the reason), and a
 * tenant-A key never sees or changes tenant B's rows — lists come back without B, naming B is
 * 403, and B's rows by id are 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../src/server/serve.js';
import { decide, groupOf } from '../src/server/access/permissions.js';
import { ROLES, type Role } from '../src/identity/roles.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';
import { twoTenantSpec } from './support/two-tenants.js';

const KA = 'dk-access-acme-agent-key-0000000000';
const KB = 'dk-access-globex-agent-key-00000000';
const SPEC = twoTenantSpec(
  { agent: 'a-bot', key: KA },
  { agent: 'b-bot', key: KB },
  `budgets:
  - { scope: agent, limit_usd: 100, window: day }
guardrails:
  policy: { actions: { pii: log } }
approvals:
  rules:
    flagged: { guardrails: ["*"] }
`,
);

let d: RunningDaca;
/** Acme keys per role, plus a globex operator and an acme tenant admin. */
const acme = {} as Record<Role, { id: string; key: string }>;
let globexOperator: { id: string; key: string };
const requestIds: Record<'acme' | 'globex', string> = { acme: '', globex: '' };
const approvals: Record<'acme' | 'globex', string> = { acme: '', globex: '' };

async function call(path: string, key: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: Record<string, any> }> {
  const method = init.method ?? 'GET';
  const res = await fetch(`${d.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
    ...(method !== 'GET' ? { body: JSON.stringify(init.body ?? {}) } : {}),
  });
  const text = await res.text();
  let body: Record<string, any> = {};
  try {
    body = JSON.parse(text) as Record<string, any>;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

async function createKey(body: Record<string, unknown>, key = TEST_ADMIN_KEY): Promise<{ id: string; key: string }> {
  const r = await call('/api/keys', key, { method: 'POST', body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id as string, key: r.body.key as string };
}

async function chat(key: string, session: string, content = 'What is the capital of Spain?'): Promise<Response> {
  return post(`${d.url}/v1/chat/completions`, key, { model: 'small', messages: [{ role: 'user', content }] }, { 'x-daca-session': session });
}

/** `/api/...` routes the app registered (handlers, not middleware). */
function apiRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return d.routes
    .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL' && !r.path.endsWith('*'))
    .filter((r) => {
      const k = `${r.method} ${r.path}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
}

/** A concrete path for a route pattern (`:id` → `x`). */
const concrete = (pattern: string): string => pattern.replace(/:[A-Za-z_]+(\{[^}]*\})?/g, 'x');

beforeAll(async () => {
  d = await startTestDaca(SPEC);
  for (const role of ROLES) acme[role] = await createKey({ role, tenant: 'acme', ...(role === 'agent' ? { agent: 'a-bot', team: 'a-team' } : {}) });
  globexOperator = await createKey({ role: 'operator', tenant: 'globex' });
  for (const [tenant, key] of [['acme', KA], ['globex', KB]] as const) {
    const ok = await chat(key, `s-${tenant}`);
    expect(ok.status).toBe(200);
    requestIds[tenant] = ok.headers.get('x-daca-request-id')!;
    const held = await chat(key, `s-${tenant}`, 'Please email the contract to carol@example.com today.');
    expect(held.status).toBe(403);
    approvals[tenant] = ((await held.json()) as { error: { approval_id: string } }).error.approval_id;
  }
  await d.services.recorder.flush();
});
afterAll(() => d?.close());

describe('the permission table covers the router', () => {
  it('has an entry for every registered /api route', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => !groupOf(r.path)).map((r) => `${r.method} ${r.path}`);
    expect(missing, `add these routes to src/server/access/permissions.ts: ${missing.join(', ')}`).toEqual([]);
  });
});

describe('roles are refused exactly where the table says', () => {
  it('answers 403 forbidden (reason role or scope) for every route a tenant role may not use, and lets the others through', async () => {
    const failures: string[] = [];
    let refused = 0;
    let allowed = 0;
    for (const r of apiRoutes()) {
      const path = concrete(r.path);
      for (const role of ROLES) {
        const want = decide({ role, allTenants: false }, r.method, path);
        // allowed writes are not sent (they would change the node); allowed reads are, except the endless SSE stream
        if (want.ok && (r.method !== 'GET' || path === '/api/events')) continue;
        const got = await call(path, acme[role].key, { method: r.method });
        if (!want.ok) {
          refused++;
          if (got.status !== 403 || got.body.error?.code !== 'forbidden' || got.body.error?.reason !== want.reason || !/role|global key|access table/.test(String(got.body.error?.message)))
            failures.push(`${role} ${r.method} ${path}: want 403 ${want.reason}, got ${got.status} ${JSON.stringify(got.body).slice(0, 160)}`);
        } else {
          allowed++;
          if (got.status === 401 || got.status === 403 || got.status >= 500) failures.push(`${role} ${r.method} ${path}: want allowed, got ${got.status} ${JSON.stringify(got.body).slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(refused).toBeGreaterThan(100);
    expect(allowed).toBeGreaterThan(20);
  });

  it('spot checks: the auditor reads but cannot suspend, the approver decides but cannot read usage, the agent records decisions only', async () => {
    expect((await call('/api/usage', acme.auditor.key)).status).toBe(200);
    const sus = await call('/api/suspensions', acme.auditor.key, { method: 'POST', body: { kind: 'agent', subject: 'a-bot', reason: 'x' } });
    expect(sus.status).toBe(403);
    expect(sus.body.error.message).toMatch(/role 'auditor' has read-only access to suspensions/);
    expect((await call('/api/usage', acme.approver.key)).status).toBe(403);
    expect((await call('/api/approvals', acme.approver.key)).status).toBe(200);
    expect((await call('/api/usage', acme.agent.key)).status).toBe(403);
    const ev = await call('/api/audit/events', acme.agent.key, { method: 'POST', body: { decision: { summary: 'refund 42 approved' } } });
    expect(ev.status).toBe(201);
    expect((await call('/api/keys', acme.operator.key, { method: 'POST', body: { role: 'agent' } })).status).toBe(403);
    const spec = await call('/api/spec', acme.admin.key);
    expect(spec.status).toBe(403);
    expect(spec.body.error.reason).toBe('scope');
  });

  it('tells a key who it is and what it may use', async () => {
    const me = await call('/api/whoami', acme.auditor.key);
    expect(me.body).toMatchObject({ key_id: acme.auditor.id, role: 'auditor', tenant: 'acme', all_tenants: false });
    expect(me.body.permissions).toMatchObject({ usage: 'read', suspensions: 'read', keys: 'read', approvals: 'read', rollouts: 'none', feedback: 'none' });
    expect((await call('/api/whoami', TEST_ADMIN_KEY)).body).toMatchObject({ role: 'admin', tenant: '*', all_tenants: true });
  });
});

describe('tenant isolation', () => {
  const op = () => acme.operator.key;

  it('lists and reports hold only the caller tenant, and naming another tenant is 403', async () => {
    const usage = await call('/api/usage?group_by=tenant', op());
    expect(usage.body.groups.map((g: { tenant: string }) => g.tenant)).toEqual(['acme']);
    const other = await call('/api/usage?tenant=globex', op());
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'forbidden', reason: 'tenant', param: 'tenant' });
    const all = await call('/api/usage?group_by=tenant', TEST_ADMIN_KEY);
    expect(all.body.groups.map((g: { tenant: string }) => g.tenant).sort()).toEqual(['acme', 'globex']);

    const agents = await call('/api/agents', op());
    expect(agents.body.data.map((a: { agent: string }) => a.agent)).toEqual(['a-bot']);
    const overview = await call('/api/overview', op());
    expect(overview.body.top_agents.every((a: { tenant: string }) => a.tenant === 'acme')).toBe(true);
    expect(overview.body.totals.requests).toBe(usage.body.totals.requests);
    const sessions = await call('/api/sessions', op());
    expect(sessions.body.data.map((s: { session: string }) => s.session)).toEqual(['s-acme']);
    const csv = await fetch(`${d.url}/api/usage/export?format=json`, { headers: { authorization: `Bearer ${op()}` } });
    const rows = (await csv.json()) as { tenant: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.tenant))).toEqual(new Set(['acme']));
    const audit = await call('/api/audit?limit=1000', acme.auditor.key);
    expect(audit.body.records.length).toBeGreaterThan(0);
    expect(new Set(audit.body.records.map((r: { tenant: string }) => r.tenant))).toEqual(new Set(['acme']));
    const appr = await call('/api/approvals', acme.approver.key);
    expect(appr.body.data.map((a: { id: string }) => a.id)).toEqual([approvals.acme]);
    const keys = await call('/api/keys', acme.auditor.key);
    expect(keys.body.data.length).toBeGreaterThan(0);
    expect(new Set(keys.body.data.map((k: { tenant: string }) => k.tenant))).toEqual(new Set(['acme']));
    const budgets = await call('/api/budgets', op());
    expect(budgets.body.data.map((b: { subject: string }) => b.subject)).toEqual(['a-bot']);
    const decisions = await call('/api/mesh/decisions?tenant=globex', op());
    expect(decisions.status).toBe(403);
  });

  it('another tenant’s rows by id are 404, exactly like missing ones', async () => {
    expect((await call(`/api/sessions/s-globex`, op())).status).toBe(404);
    expect((await call(`/api/sessions/s-acme`, op())).status).toBe(200);
    expect((await call(`/api/approvals/${approvals.globex}`, acme.approver.key)).status).toBe(404);
    const decide = await call(`/api/approvals/${approvals.globex}/approve`, acme.approver.key, { method: 'POST', body: {} });
    expect(decide.status).toBe(404);
    expect((await call(`/api/approvals/${approvals.globex}`, TEST_ADMIN_KEY)).body.status).toBe('pending');
    expect((await call(`/api/audit/explain/${requestIds.globex}`, acme.auditor.key)).status).toBe(404);
    expect((await call(`/api/audit/explain/${requestIds.acme}`, acme.auditor.key)).status).toBe(200);
    const globexRecords = await call('/api/audit?tenant=globex&limit=1', TEST_ADMIN_KEY);
    const rid = globexRecords.body.records[0].id as string;
    expect((await call(`/api/audit/records/${rid}`, acme.auditor.key)).status).toBe(404);
    expect((await call(`/api/audit/records/${rid}`, TEST_ADMIN_KEY)).status).toBe(200);
    const fb = await call('/api/feedback', op(), { method: 'POST', body: { request_id: requestIds.globex, score: 1 } });
    expect(fb.status).toBe(404);
    expect((await call(`/api/keys/${globexOperator.id}`, acme.admin.key, { method: 'DELETE' })).status).toBe(404);
    expect((await call('/api/whoami', globexOperator.key)).status).toBe(200); // still alive
  });

  it('changes that name another tenant’s subject are 403; the caller’s own go through and are audited with role', async () => {
    const theirs = await call('/api/suspensions', op(), { method: 'POST', body: { kind: 'agent', subject: 'b-bot', reason: 'not mine' } });
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.reason).toBe('tenant');
    const mine = await call('/api/suspensions', op(), { method: 'POST', body: { kind: 'agent', subject: 'a-bot', reason: 'runaway' } });
    expect(mine.status).toBe(201);
    const gb = await call('/api/suspensions', globexOperator.key, { method: 'POST', body: { kind: 'agent', subject: 'b-bot', reason: 'theirs' } });
    expect(gb.status).toBe(201);
    const list = await call('/api/suspensions', op());
    expect(list.body.data.map((s: { subject: string }) => s.subject)).toEqual(['a-bot']);
    expect((await call('/api/suspensions/agent/b-bot', op(), { method: 'DELETE' })).status).toBe(403);
    expect((await call('/api/suspensions/agent/a-bot', op(), { method: 'DELETE' })).status).toBe(200);
    expect((await call('/api/keys', acme.admin.key, { method: 'POST', body: { role: 'operator', tenant: 'globex' } })).status).toBe(403);
    expect((await call('/api/keys', acme.admin.key, { method: 'POST', body: { role: 'operator', tenant: '*' } })).status).toBe(403);

    const ledger = await call('/api/audit?kind=admin_action&limit=100', acme.auditor.key);
    const sus = ledger.body.records.find((r: { body: { detail?: { action?: string } } }) => r.body?.detail?.action === 'suspended');
    expect(sus).toMatchObject({ tenant: 'acme', actor: { kind: 'key', id: acme.operator.id } });
    expect(sus.body.detail).toMatchObject({ actor_role: 'operator', subject: 'a-bot' });
    const gsus = await call('/api/audit?kind=admin_action&limit=100', globexOperator.key);
    expect(gsus.status).toBe(200);
    expect(gsus.body.records.some((r: { tenant: string }) => r.tenant !== 'globex')).toBe(false);
    expect(gsus.body.records.some((r: { body: { detail?: { subject?: string } } }) => r.body?.detail?.subject === 'b-bot')).toBe(true);
  });

  it('audits key creation, role changes and revocation under the key tenant', async () => {
    const k = await createKey({ role: 'auditor', tenant: 'acme' }, acme.admin.key);
    const patched = await call(`/api/keys/${k.id}`, acme.admin.key, { method: 'PATCH', body: { role: 'approver' } });
    expect(patched.status).toBe(200);
    expect(patched.body.role).toBe('approver');
    expect((await call('/api/whoami', k.key)).body.role).toBe('approver');
    expect((await call(`/api/keys/${k.id}`, acme.admin.key, { method: 'DELETE' })).status).toBe(200);
    expect((await call('/api/whoami', k.key)).status).toBe(401);
    const recs = await call('/api/audit?kind=key_change&limit=100', acme.auditor.key);
    const actions = recs.body.records.filter((r: { body: { detail?: { key_id?: string } } }) => r.body?.detail?.key_id === k.id).map((r: { body: { detail: { action: string } } }) => r.body.detail.action);
    expect(actions.sort()).toEqual(['key_created', 'key_revoked', 'key_role_changed']);
  });

  it('records approval decisions as approval_decision with the approver key and role', async () => {
    const r = await call(`/api/approvals/${approvals.acme}/reject`, acme.approver.key, { method: 'POST', body: { note: 'no emails' } });
    expect(r.status).toBe(200);
    const recs = await call('/api/audit?kind=approval_decision&limit=10', acme.auditor.key);
    const rec = recs.body.records.find((x: { body: { detail?: { approval_id?: string } } }) => x.body?.detail?.approval_id === approvals.acme);
    expect(rec).toMatchObject({ tenant: 'acme', actor: { kind: 'key', id: acme.approver.id } });
    expect(rec.body.detail).toMatchObject({ actor_role: 'approver', action: 'approval_rejected' });
  });
});
