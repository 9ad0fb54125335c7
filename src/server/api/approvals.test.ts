import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import { ApprovalRequiredError } from '../../errors.js';
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { ApprovalContext } from '../../guardrails/approvals/approval-types.js';
import { approvalsOf } from '../../guardrails/approvals/node-approvals.js';
import type { RunningDaca } from '../serve.js';

const SPEC = `
providers:
  sim: { kind: sim }
models:
  sim-small: { provider: sim }
  sim-large: { provider: sim }
tenants: { acme: {} }
teams: { ops: { tenant: acme } }
agents:
  pay-bot: { team: ops, risk: high }
  help-bot: { team: ops }
approvals:
  sweep_ms: 25
  poll_ms: 25
  rules:
    risky: { risk: [high], expire_after: 300ms }
    big: { cost_above_usd: 1 }
`;

let daca: RunningDaca;
let approvals: ApprovalService;
let n = 0;

const ctx = (agent = 'help-bot'): ApprovalContext => ({
  subject: { keyId: `key_${agent}`, tenant: 'acme', team: 'ops', agent, session: null },
  request: { model: 'sim-large', messages: [{ role: 'user', content: `request ${++n}` }] },
  estimatedCostMicros: 2_000_000,
});
const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
  fetch(`${daca.url}/api/approvals${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
async function pending(c: ApprovalContext = ctx()): Promise<string> {
  const e = (await approvals.admit(c).catch((x: unknown) => x)) as ApprovalRequiredError;
  expect(e).toBeInstanceOf(ApprovalRequiredError);
  return e.details.approval_id as string;
}

beforeAll(async () => {
  daca = await startTestDaca(SPEC);
  approvals = approvalsOf(daca.services);
});
afterAll(() => daca.close());

describe('/api/approvals', () => {
  it('lists pending approvals and shows one with its request', async () => {
    const id = await pending();
    const list = (await (await api('?status=pending')).json()) as { data: { id: string }[] };
    expect(list.data.map((a) => a.id)).toContain(id);
    const one = (await (await api(`/${id}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ id, status: 'pending', rule: 'big', agent: 'help-bot', model: 'sim-large', estimated_cost_usd: 2, decided_by: null });
    expect(one.messages).toEqual([{ role: 'user', content: expect.stringMatching(/^request /) }]);
  });

  it('approve names its approver (--as, else the key); the agent then redeems it once', async () => {
    const c = ctx();
    const id = await pending(c);
    const r = await api(`/${id}/approve`, { method: 'POST', body: { as: 'alice', note: 'fine' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ id, status: 'approved', decided_by: 'alice', note: 'fine' });
    expect(await approvals.admit(c, { approvalId: id })).toMatchObject({ status: 'approved' });
    expect((await (await api(`/${id}`)).json()) as Record<string, unknown>).toMatchObject({ used_at: expect.any(String) });

    const id2 = await pending();
    expect(await (await api(`/${id2}/reject`, { method: 'POST', body: {} })).json()).toMatchObject({ status: 'rejected', decided_by: 'admin' });
  });

  it('modify approves with changes and needs a modifications object', async () => {
    const c = ctx();
    const id = await pending(c);
    expect((await api(`/${id}/modify`, { method: 'POST', body: { as: 'bob' } })).status).toBe(400);
    const bad = await api(`/${id}/modify`, { method: 'POST', body: { modifications: { model: 'gpt-9' } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("unknown model 'gpt-9'");
    const r = await api(`/${id}/modify`, { method: 'POST', body: { as: 'bob', modifications: { model: 'sim-small', max_tokens: 64 } } });
    expect(await r.json()).toMatchObject({ status: 'approved', decided_by: 'bob', modifications: { model: 'sim-small', max_tokens: 64 } });
  });

  it('refuses a second decision (409), unknown ids (404), bad filters (400) and non-admin keys', async () => {
    const id = await pending();
    await api(`/${id}/reject`, { method: 'POST', body: { as: 'carol' } });
    const again = await api(`/${id}/approve`, { method: 'POST', body: { as: 'dave' } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain('already rejected (by carol)');
    expect((await api('/apr_missing')).status).toBe(404);
    expect((await api('?status=maybe')).status).toBe(400);
    expect((await api('', { key: 'not-a-key-at-all-000' })).status).toBe(401);
    const created = (await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'help-bot', team: 'ops', tenant: 'acme' })).json()) as { key: string };
    expect((await api('', { key: created.key })).status).toBe(403);
  });

  it('a request waiting inline (x-daca-approval-wait) resumes when an approver decides over HTTP', async () => {
    const c = ctx();
    const waiting = approvals.admit(c, { waitMs: 10_000 });
    let id: string | undefined;
    for (let i = 0; i < 50 && !id; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const list = (await (await api('?status=pending')).json()) as { data: { id: string; messages: { content: string }[] }[] };
      id = list.data.find((a) => a.messages[0]!.content === c.request.messages[0]!.content)?.id;
    }
    expect(id).toBeDefined();
    const t0 = performance.now();
    await api(`/${id}/approve`, { method: 'POST', body: { as: 'erin' } });
    expect(await waiting).toMatchObject({ id, status: 'approved', decidedBy: 'erin', consumedAt: expect.any(Number) });
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('expiry auto-rejects: the sweeper marks it expired and approving it is refused', async () => {
    const id = await pending(ctx('pay-bot'));
    const waiting = approvals.waitFor(id, 5_000);
    expect((await waiting).status).toBe('expired');
    expect(await (await api(`/${id}`)).json()).toMatchObject({ status: 'expired', decided_by: 'system:expiry' });
    expect((await api(`/${id}/approve`, { method: 'POST', body: { as: 'late' } })).status).toBe(409);
  });
});
