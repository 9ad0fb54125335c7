/**
 * The dashboard's approvals page in Debian's chromium (playwright-core): requests refused with
 * 403 `approval_required` through the gateway (openai SDK) appear with their reason, agent, model,
 * estimated cost and age; clicking Approve lets the agent's retry with `x-daca-approval` succeed,
 * Reject (with a note) makes it fail with the note; new approvals appear without a reload.
 * Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../src/server/serve.js';
import { outcome, sdk, type CallOutcome } from './guardrails/fleet.js';
import { ensureUiBuilt, launchChromium } from './support/browser.js';
import { startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/dashboard');
const KEYS = { planner: 'sk-ui-planner-0123456789abcdef', buyer: 'sk-ui-buyer-0123456789abcdef', payments: 'sk-ui-payments-0123456789abcdef' } as const;
const SPEC = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim }
models:
  large: { provider: sim, price: { input: 2.5, output: 60 } }
tenants: { acme: {} }
teams:
  research: { tenant: acme }
  finance: { tenant: acme }
agents:
  planner: { team: research }
  buyer: { team: finance }
  payments: { team: finance, risk: high }
keys:
  planner: { value: ${KEYS.planner}, agent: planner }
  buyer: { value: ${KEYS.buyer}, agent: buyer }
  payments: { value: ${KEYS.payments}, agent: payments }
approvals:
  rules:
    big-spend: { cost_above_usd: 0.50 }
    high-risk: { risk: [high] }
`;

let daca: RunningDaca;
let browser: Browser;
const pageErrors: string[] = [];

/** A call of `maxTokens` output tokens at $60/1M (10 000 tokens: an estimated $0.60, over the rule's $0.50). */
function ask(agent: keyof typeof KEYS, text: string, maxTokens = 10_000, headers: Record<string, string> = {}): Promise<CallOutcome> {
  return outcome(() =>
    sdk(daca.url, KEYS[agent]).chat.completions.create({ model: 'large', max_tokens: maxTokens, messages: [{ role: 'user', content: `[sim:tokens=8] ${text}` }] }, { headers }).withResponse(),
  );
}

async function pendingApproval(agent: keyof typeof KEYS, text: string, maxTokens?: number): Promise<string> {
  const o = await ask(agent, text, maxTokens);
  expect({ status: o.status, code: o.code }).toEqual({ status: 403, code: 'approval_required' });
  return String(o.error?.approval_id);
}

async function approval(id: string): Promise<{ status: string; decided_by: string | null; note: string | null; estimated_cost_usd: number }> {
  const r = await fetch(`${daca.url}/api/approvals/${id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  return (await r.json()) as { status: string; decided_by: string | null; note: string | null; estimated_cost_usd: number };
}

async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  // Loaded with the admin key, the server injects a dashboard session (no login form).
  await page.route(`${daca.url}/ui/approvals`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
  await page.goto(`${daca.url}/ui/approvals`);
  await page.getByTestId('page-approvals').waitFor();
  return page;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureUiBuilt();
  [browser, daca] = await Promise.all([launchChromium(), startTestDaca(SPEC)]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daca?.close();
});

describe('dashboard approvals page', () => {
  it('lists pending approvals; Approve lets the SDK retry succeed; Reject with a note refuses it; new ones appear live', async () => {
    const planId = await pendingApproval('planner', 'Re-plan the whole 2026 research roadmap in detail.');
    const buyId = await pendingApproval('buyer', 'Order 40 laptops for the new hires.', 12_000);
    const payId = await pendingApproval('payments', 'Pay invoice INV-2231 to Northwind.', 200);

    const page = await openPage();
    const table = page.getByTestId('approvals-table');
    const row = (id: string) => table.locator(`tr[data-approval="${id}"]`);
    await row(payId).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    // reason, agent, model, estimated cost and age, as the API has them
    const plan = row(planId);
    expect(await plan.locator('[data-col="reason"]').textContent()).toContain('estimated cost');
    expect(await plan.textContent()).toContain('Re-plan the whole 2026 research roadmap');
    expect(await plan.locator('[data-col="agent"]').textContent()).toContain('planner');
    expect(await plan.locator('[data-col="model"]').textContent()).toContain('large');
    expect(Number(await plan.locator('[data-col="cost"]').getAttribute('data-value'))).toBe((await approval(planId)).estimated_cost_usd);
    expect(await plan.locator('[data-col="cost"]').textContent()).toMatch(/^\$0\.60/);
    expect(await plan.locator('[data-col="age"]').textContent()).toMatch(/just now|seconds? ago/);
    expect(await row(payId).locator('[data-col="reason"]').textContent()).toContain('high');
    expect(await page.getByTestId('stat-approvals-pending').getAttribute('data-value')).toBe('3');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Approvals' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'approvals.png'), fullPage: true });

    // Approve as alice from the page; the agent's retry with the header then succeeds, once.
    await page.getByLabel('Decide as').fill('alice');
    await plan.getByLabel(`Note for ${planId}`).fill('ok for Q3 planning');
    await plan.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('approvals-flash').textContent()).toContain(`Approved ${planId}`);
    await expect.poll(() => row(planId).count()).toBe(0);
    expect(await approval(planId)).toMatchObject({ status: 'approved', decided_by: 'alice', note: 'ok for Q3 planning' });
    const retry = await ask('planner', 'Re-plan the whole 2026 research roadmap in detail.', 10_000, { 'x-daca-approval': planId });
    expect(retry.status).toBe(200);
    expect((await ask('planner', 'Re-plan the whole 2026 research roadmap in detail.', 10_000, { 'x-daca-approval': planId })).status).toBe(403);

    // Reject with a note: the retry is refused and carries the approver and the note.
    await row(buyId).getByLabel(`Note for ${buyId}`).fill('use the refurbished stock');
    await row(buyId).getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => row(buyId).count()).toBe(0);
    const refused = await ask('buyer', 'Order 40 laptops for the new hires.', 12_000, { 'x-daca-approval': buyId });
    expect({ status: refused.status, code: refused.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(String(refused.error?.message)).toContain('rejected by alice: use the refurbished stock');

    // A new request needing approval shows up without a reload.
    await page.evaluate('window.__noReload = true');
    const lateId = await pendingApproval('buyer', 'Renew the office lease for five years.');
    await row(lateId).waitFor({ timeout: 8_000 });
    expect(await page.evaluate('window.__noReload')).toBe(true);
    expect(await page.getByTestId('stat-approvals-pending').getAttribute('data-value')).toBe('2');

    // Decided approvals, with who decided, under "all".
    await page.getByRole('group', { name: 'Approval state' }).getByRole('button', { name: 'all' }).click();
    await expect.poll(() => row(planId).getAttribute('data-status')).toBe('approved');
    expect(await row(planId).locator('[data-col="decision"]').textContent()).toContain('alice');
    expect(await row(buyId).locator('[data-col="decision"]').textContent()).toContain('use the refurbished stock');
    await page.screenshot({ path: join(SHOTS, 'approvals-decided.png'), fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
