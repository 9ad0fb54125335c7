/**
 * The dashboard follows the key's role and tenant (Debian chromium, playwright-core): an operator
 * of tenant acme signs in with its own key and sees acme's agent only — the page reads /api with
 * the key, and the API scopes every answer — and no navigation entry its role cannot use; an
 * approver lands on approvals, the only page it has.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../src/server/serve.js';
import { ensureUiBuilt, launchChromium } from './support/browser.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';
import { twoTenantSpec } from './support/two-tenants.js';

const KA = 'dk-dash-acme-agent-key-00000000000';
const KB = 'dk-dash-globex-agent-key-000000000';
const SPEC = twoTenantSpec({ agent: 'acme-bot', key: KA }, { agent: 'globex-bot', key: KB });

let d: RunningDaca;
let browser: Browser;

async function keyFor(role: string, tenant: string): Promise<string> {
  const r = await post(`${d.url}/api/keys`, TEST_ADMIN_KEY, { role, tenant });
  expect(r.status).toBe(201);
  return ((await r.json()) as { key: string }).key;
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${d.url}/ui/`);
  const form = page.getByTestId('login-form');
  await form.waitFor();
  await form.getByLabel('Admin key').fill(key);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor({ timeout: 15_000 });
}

const navLabels = async (page: Page): Promise<string[]> => (await page.locator('nav.tabs a').allTextContents()).map((s) => s.trim());

beforeAll(async () => {
  ensureUiBuilt();
  d = await startTestDaca(SPEC);
  for (const key of [KA, KA, KB]) {
    const r = await post(`${d.url}/v1/chat/completions`, key, { model: 'small', messages: [{ role: 'user', content: 'hello' }] });
    expect(r.status).toBe(200);
  }
  await d.services.recorder.flush();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await d?.close();
});

describe('dashboard access by role and tenant', () => {
  it('shows an acme operator acme agents only, and hides pages its role cannot use', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page, await keyFor('operator', 'acme'));
    expect(await page.getByTestId('whoami').textContent()).toContain('operator · acme');
    const nav = await navLabels(page);
    expect(nav).toEqual(expect.arrayContaining(['Overview', 'Agents', 'Sessions', 'Approvals', 'Audit', 'Topology']));
    for (const hidden of ['Rollouts', 'Marketplace', 'Evals']) expect(nav).not.toContain(hidden);

    await page.locator('nav.tabs a', { hasText: 'Agents' }).click();
    const table = page.getByTestId('agents-table');
    await table.waitFor();
    await expect.poll(() => table.textContent()).toContain('acme-bot');
    expect(await table.textContent()).not.toContain('globex-bot');
    // the admin, on the same page, sees both tenants: the difference is the key, not the page
    const adminPage = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(adminPage, TEST_ADMIN_KEY);
    await adminPage.locator('nav.tabs a', { hasText: 'Agents' }).click();
    const all = adminPage.getByTestId('agents-table');
    await expect.poll(() => all.textContent()).toContain('globex-bot');
    expect(await all.textContent()).toContain('acme-bot');
    expect(await navLabels(adminPage)).toEqual(expect.arrayContaining(['Rollouts', 'Marketplace']));
    await adminPage.close();
    await page.close();
  });

  it('takes an approver to approvals, its only page, and refuses agent keys', async () => {
    const page = await browser.newPage();
    await signIn(page, await keyFor('approver', 'acme'));
    expect(await navLabels(page)).toEqual(['Approvals']);
    await page.getByTestId('page-approvals').waitFor();
    expect(new URL(page.url()).pathname).toBe('/ui/approvals');

    const agentPage = await browser.newPage();
    await agentPage.goto(`${d.url}/ui/`);
    const form = agentPage.getByTestId('login-form');
    await form.getByLabel('Admin key').fill(KA);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('agent key');
    await agentPage.close();
    await page.close();
  });
});
