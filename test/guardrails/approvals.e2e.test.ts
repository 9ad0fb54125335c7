/**
 * Human approvals end to end with the openai SDK and the `daca approvals` CLI: a cost rule and a
 * risk-tier rule turn requests into 403 `approval_required` with an `approval_id`; approvers list,
 * approve and reject; the agent retries with `x-daca-approval` (single use) or waits inline with
 * `x-daca-approval-wait`; unanswered approvals expire; every decision names its approver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../../src/server/serve.js';
import { runDaca } from '../support/daca-process.js';
import { startTestDaca, TEST_ADMIN_KEY } from '../support/in-process-daca.js';
import { outcome, sdk, until, type CallOutcome } from './fleet.js';

const BOT_KEY = 'sk-approvals-bot-0123456789abcdef';
const RISKY_KEY = 'sk-approvals-risky-0123456789abcdef';
const SPEC = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim }
models:
  large: { provider: sim, price: { input: 2.5, output: 60 } }
tenants: { acme: {} }
teams: { finance: { tenant: acme } }
agents:
  bot: { team: finance, risk: low }
  payments: { team: finance, risk: high }
keys:
  bot: { value: ${BOT_KEY}, agent: bot }
  payments: { value: ${RISKY_KEY}, agent: payments }
approvals:
  expire_after: 15m
  poll_ms: 50
  sweep_ms: 100
  rules:
    big-spend: { cost_above_usd: 0.50, description: "estimated cost above $0.50" }
    high-risk: { risk: [high], expire_after: 700ms }
`;

let daca: RunningDaca;

/** A call of `max_tokens` output tokens at $60/1M: 10 000 tokens is an estimated $0.60 (needs approval), 100 is not. */
function ask(key: string, text: string, maxTokens: number, headers: Record<string, string> = {}): Promise<CallOutcome> {
  return outcome(() =>
    sdk(daca.url, key).chat.completions.create({ model: 'large', max_tokens: maxTokens, messages: [{ role: 'user', content: `[sim:tokens=12] ${text}` }] }, { headers }).withResponse(),
  );
}

const cli = (args: string[]) => runDaca([...args, '--url', daca.url, '--admin-key', TEST_ADMIN_KEY]);

interface ApprovalJson {
  id: string;
  status: string;
  rule: string;
  reason: string;
  agent: string;
  model: string;
  estimated_cost_usd: number | null;
  decided_by: string | null;
  note: string | null;
  used_at: string | null;
}

async function approval(id: string): Promise<ApprovalJson> {
  const r = await fetch(`${daca.url}/api/approvals/${id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as ApprovalJson;
}

function decide(id: string, decision: 'approve' | 'reject', body: Record<string, unknown>): Promise<Response> {
  return fetch(`${daca.url}/api/approvals/${id}/${decision}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Asks for an approval and returns its id (read from the SDK error body). */
async function pending(key: string, text: string): Promise<string> {
  const o = await ask(key, text, 10_000);
  expect({ status: o.status, code: o.code }).toEqual({ status: 403, code: 'approval_required' });
  const id = o.error?.approval_id;
  expect(id).toMatch(/^apr_[0-9a-f]{32}$/);
  return id as string;
}

beforeAll(async () => {
  daca = await startTestDaca(SPEC);
});
afterAll(() => daca?.close());

describe('the approval flow with the openai SDK', () => {
  it('a cheap call needs no approval', async () => {
    expect((await ask(BOT_KEY, 'Summarise the invoice.', 100)).status).toBe(200);
  });

  it('approval_required with an approval_id → daca approvals list → approve --as alice → the retry succeeds once', async () => {
    const o = await ask(BOT_KEY, 'Reconcile every ledger of 2025.', 10_000);
    expect({ status: o.status, code: o.code }).toEqual({ status: 403, code: 'approval_required' });
    const id = String(o.error?.approval_id);
    expect(String(o.error?.message)).toContain('estimated cost');
    expect(o.error?.expires_at).toEqual(expect.any(String));

    const listed = await cli(['approvals', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const row = (JSON.parse(listed.stdout) as { data: ApprovalJson[] }).data.find((a) => a.id === id);
    expect(row).toMatchObject({ status: 'pending', rule: 'big-spend', agent: 'bot', model: 'large', estimated_cost_usd: expect.closeTo(0.6, 2) });
    const table = await cli(['approvals', 'list']);
    expect(table.stdout).toContain(id);

    // Still pending: the retry is refused with the same approval.
    const early = await ask(BOT_KEY, 'Reconcile every ledger of 2025.', 10_000, { 'x-daca-approval': id });
    expect({ status: early.status, code: early.code, id: early.error?.approval_id }).toEqual({ status: 403, code: 'approval_required', id });

    const approved = await cli(['approvals', 'approve', id, '--as', 'alice', '--note', 'quarter close']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`approved ${id} by alice`);

    const retry = await ask(BOT_KEY, 'Reconcile every ledger of 2025.', 10_000, { 'x-daca-approval': id });
    expect(retry.status).toBe(200);
    expect(retry.costMicros).toBeGreaterThan(0);
    const again = await ask(BOT_KEY, 'Reconcile every ledger of 2025.', 10_000, { 'x-daca-approval': id });
    expect({ status: again.status, code: again.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(String(again.error?.message)).toContain('already used');
    // Another request may not ride on the approval either.
    const other = await ask(BOT_KEY, 'Something else entirely.', 10_000, { 'x-daca-approval': id });
    expect(other.status).toBe(403);

    expect(await approval(id)).toMatchObject({ status: 'approved', decided_by: 'alice', note: 'quarter close', used_at: expect.any(String) });
  });

  it('waits inline with x-daca-approval-wait while an approver decides 300 ms later', async () => {
    const approver = (async () => {
      const found = await until('the pending approval', async () => {
        const r = await fetch(`${daca.url}/api/approvals?status=pending&agent=bot`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
        return ((await r.json()) as { data: ApprovalJson[] }).data.find((a) => a.reason.length > 0);
      }, 3000, 20);
      await new Promise((r) => setTimeout(r, 300));
      expect((await decide(found.id, 'approve', { as: 'bob' })).status).toBe(200);
      return found.id;
    })();
    const t0 = Date.now();
    const o = await ask(BOT_KEY, 'Pay the March supplier invoices.', 10_000, { 'x-daca-approval-wait': '5s' });
    const waited = Date.now() - t0;
    const id = await approver;
    expect(o.status).toBe(200);
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(3000);
    expect(await approval(id)).toMatchObject({ status: 'approved', decided_by: 'bob', used_at: expect.any(String) });
  });

  it('an inline wait ends with 403 naming the approver when the request is rejected meanwhile', async () => {
    const approver = (async () => {
      const found = await until('the pending approval', async () => {
        const r = await fetch(`${daca.url}/api/approvals?status=pending&agent=bot`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
        return ((await r.json()) as { data: ApprovalJson[] }).data[0];
      }, 3000, 20);
      expect((await decide(found.id, 'reject', { as: 'dave', note: 'not this month' })).status).toBe(200);
    })();
    const o = await ask(BOT_KEY, 'Upgrade every laptop in the company.', 10_000, { 'x-daca-approval-wait': '5s' });
    await approver;
    expect({ status: o.status, code: o.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(String(o.error?.message)).toContain('rejected by dave: not this month');
  });

  it('a rejection is 403 with the approver and the reason', async () => {
    const id = await pending(BOT_KEY, 'Buy 400 GPUs.');
    const rejected = await cli(['approvals', 'reject', id, '--as', 'carol', '--note', 'over the quarterly budget']);
    expect(rejected.code, rejected.stderr).toBe(0);
    const retry = await ask(BOT_KEY, 'Buy 400 GPUs.', 10_000, { 'x-daca-approval': id });
    expect({ status: retry.status, code: retry.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(String(retry.error?.message)).toContain('rejected by carol: over the quarterly budget');
    expect(retry.error).toMatchObject({ approval_id: id, status: 'rejected', decided_by: 'carol', note: 'over the quarterly budget' });
    expect(await approval(id)).toMatchObject({ status: 'rejected', decided_by: 'carol' });
    // A decided approval cannot be decided again.
    expect((await decide(id, 'approve', { as: 'mallory' })).status).toBe(409);
  });

  it('a high-risk agent needs approval for any call; nobody decides, so it expires (auto-rejected)', async () => {
    const o = await ask(RISKY_KEY, 'Move funds between accounts.', 50);
    expect({ status: o.status, code: o.code }).toEqual({ status: 403, code: 'approval_required' });
    const id = String(o.error?.approval_id);
    expect((await approval(id)).rule).toBe('high-risk');
    const expired = await until('the approval to expire', async () => {
      const a = await approval(id);
      return a.status === 'expired' ? a : undefined;
    }, 3000, 50);
    expect(expired.decided_by).toBe('system:expiry');
    const retry = await ask(RISKY_KEY, 'Move funds between accounts.', 50, { 'x-daca-approval': id });
    expect({ status: retry.status, code: retry.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(String(retry.error?.message)).toContain('expired');
    // Approving after expiry is a conflict, not a late approval.
    expect((await decide(id, 'approve', { as: 'alice' })).status).toBe(409);
  });

  it('every decided approval names its approver', async () => {
    const r = await fetch(`${daca.url}/api/approvals?limit=50`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const all = ((await r.json()) as { data: ApprovalJson[] }).data;
    const decided = all.filter((a) => a.status !== 'pending');
    expect(decided.map((a) => a.decided_by).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'system:expiry']);
  });
});
