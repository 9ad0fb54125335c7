/**
 * The dashboard's rollouts pages in Debian's chromium (playwright-core): rollouts of model versions
 * with real traffic through the gateway (a flaky canary rolled back by its guard, a better one
 * running), the list with canary-vs-stable figures equal to `/api/rollouts`, one rollout's
 * canary-vs-stable charts (uPlot), and the Promote and Roll back buttons taking effect on the next
 * request. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGovernanceOf, governanceOf } from '../src/governance/node-governance.js';
import type { Governance } from '../src/governance/governance.js';
import type { RunningDaca } from '../src/server/serve.js';
import { ManualClock } from '../src/telemetry/analytics/clock.js';
import { ensureUiBuilt, launchChromium } from './support/browser.js';
import { startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/dashboard');
const SPEC = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim }
  simflaky: { kind: sim, failures: { error_5xx: 0.3 } }
models:
  model-a: { provider: sim, capability: 0.3, price: { input: 0.5, output: 1.5 } }
  model-b: { provider: simflaky, capability: 0.3, price: { input: 0.5, output: 1.5 } }
  model-c: { provider: sim, capability: 0.95, price: { input: 2.5, output: 10 } }
aliases: { support-model: model-a }
tenants: { acme: {} }
teams: { support: { tenant: acme } }
governance:
  versions:
    v1: { model: model-a, status: stable }
    v2: { model: model-b }
    v3: { model: model-c }
  aliases: { support: { stable: v1 } }
rollouts:
  interval: 1s
  min_samples: 200
  guard_min_samples: 10
  sample_rate: 1
  graders: [{ type: contains, value: "{{expected}}" }]
`;
const AGENTS = Array.from({ length: 24 }, (_, i) => `bot-${i}`);

let daca: RunningDaca;
let browser: Browser;
let gov: Governance;
const clock = new ManualClock(Date.now());
const keys = new Map<string, string>();
const pageErrors: string[] = [];
let n = 0;

async function api<T>(path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${daca.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function ask(agent: string): Promise<string | null> {
  const i = n++;
  const r = await fetch(`${daca.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.get(agent)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'support-model', metadata: { expected: `W${i}` }, messages: [{ role: 'user', content: `[sim:difficulty=0.5] [sim:answer=W${i}] Task ${i}: the word?` }] }),
  });
  await r.text();
  return r.headers.get('x-daca-model');
}

async function traffic(rounds: number): Promise<void> {
  for (let k = 0; k < rounds; k++) await Promise.all(AGENTS.map((a) => ask(a)));
}

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.route(`${daca.url}/ui/**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
  await page.goto(`${daca.url}/ui/${path}`);
  return page;
}

interface Rollout {
  id: string;
  status: string;
  analysis: { canary: { requests: number }; stable: { requests: number } } | null;
}

let flakyId = '';
let betterId = '';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureUiBuilt();
  [browser, daca] = await Promise.all([launchChromium(), startTestDaca(SPEC)]);
  gov = await governanceOf(daca.services).ready;
  gov.schedule(clock);
  for (const a of AGENTS) keys.set(a, (await api<{ key: string }>('/api/keys', { agent: a, team: 'support', tenant: 'acme' })).key);
  await traffic(1);
  flakyId = (await api<Rollout>('/api/rollouts', { group: 'support', to: 'v2', canary: '50%', for: '7d', rollback_if: 'error_rate > stable + 5%' })).id;
  await traffic(3);
  await clock.advance(1_000);
  await gov.idle();
  expect((await api<Rollout>(`/api/rollouts/${flakyId}`)).status).toBe('rolled_back');
  betterId = (await api<Rollout>('/api/rollouts', { group: 'support', to: 'v3', canary: '50%', for: '7d', promote_if: 'success +5%', rollback_if: 'error_rate > 5%' })).id;
  await traffic(3);
  await api(`/api/rollouts/${betterId}/analyze`, {});
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (daca) await closeGovernanceOf(daca.services);
  await daca?.close();
});

describe('dashboard rollouts', () => {
  it('lists rollouts with canary-vs-stable figures, then shows one with charts and promotes it', async () => {
    const page = await openPage('rollouts');
    await page.getByTestId('page-rollouts').waitFor();
    const table = page.getByTestId('rollouts-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await table.locator(`tr[data-rollout="${betterId}"]`).getAttribute('data-status')).toBe('running');
    expect(await table.locator(`tr[data-rollout="${flakyId}"] [data-col="status"]`).textContent()).toBe('rolled back');
    expect(Number(await page.getByTestId('stat-rollouts-running').getAttribute('data-value'))).toBe(1);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'rollouts-list.png'), fullPage: true });

    await table.locator(`tr[data-rollout="${betterId}"] a`).click();
    await page.getByTestId('page-rollout').waitFor();
    const r = await api<Rollout>(`/api/rollouts/${betterId}`);
    await expect.poll(async () => Number(await page.getByTestId('stat-canary-requests').getAttribute('data-value'))).toBe(r.analysis!.canary.requests);
    expect(Number(await page.getByTestId('stat-stable-requests').getAttribute('data-value'))).toBe(r.analysis!.stable.requests);
    for (const chart of ['success-and-error-rate', 'mean-latency', 'requests']) {
      const c = page.getByTestId(`chart-${chart}`);
      await c.locator('.uplot').waitFor();
      expect(await c.locator('.u-legend').textContent()).toMatch(/stable.*canary/s);
    }
    expect(await page.getByTestId('checks-promotion').textContent()).toContain('success +5%');
    await page.waitForTimeout(600); // let the charts settle for the screenshot
    await page.screenshot({ path: join(SHOTS, 'rollouts.png'), fullPage: true });

    await page.getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => page.getByTestId('rollout-flash').textContent()).toContain('Promoted: team:support now runs v3');
    expect((await api<Rollout>(`/api/rollouts/${betterId}`)).status).toBe('promoted');
    await expect.poll(() => page.getByTestId('page-rollout').getAttribute('data-status')).toBe('promoted');
    expect(await page.getByRole('button', { name: 'Promote' }).count()).toBe(0);
    for (const a of AGENTS.slice(0, 4)) expect(await ask(a)).toBe('model-c');
    await page.close();
  });

  it('rolls a running canary back from its page; the next request is on stable', async () => {
    await api('/api/rollouts/rollback', { group: 'support' }); // stable back to v1
    const id = (await api<Rollout>('/api/rollouts', { group: 'support', to: 'v3', canary: '100%', for: '1h' })).id;
    expect(await ask('bot-1')).toBe('model-c');
    const page = await openPage(`rollouts/${id}`);
    await page.getByTestId('page-rollout').waitFor();
    await page.getByRole('button', { name: 'Roll back' }).click();
    await expect.poll(() => page.getByTestId('rollout-flash').textContent()).toContain('Rolled back: team:support is back on v1');
    expect(await ask('bot-1')).toBe('model-a');
    await expect.poll(() => page.getByTestId('rollout-events').textContent()).toContain('rolled back from the dashboard');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
