import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureUiBuilt, launchChromium } from './support/browser.js';
import { startTestDaca, TEST_ADMIN_KEY, post } from './support/in-process-daca.js';
import type { RunningDaca } from '../src/server/serve.js';
import { meshTestSpec } from '../src/mesh/testing/mesh-spec-fixture.js';

let daca: RunningDaca;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  daca = await startTestDaca(meshTestSpec());
  browser = await launchChromium();
  const key = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'buyer', team: 'shop', tenant: 'acme' })).json()) as { key: string }).key;
  for (let i = 0; i < 3; i++)
    await post(`${daca.url}/a2a/seller/`, key, { jsonrpc: '2.0', id: i, method: 'message/send', params: { message: { kind: 'message', messageId: `m${i}`, role: 'user', parts: [{ kind: 'text', text: 'price of a kettle?' }] } } });
  await post(`${daca.url}/a2a/`, key, { jsonrpc: '2.0', id: 9, method: 'message/send', params: { message: { kind: 'message', messageId: 'r', role: 'user', parts: [{ kind: 'text', text: 'How much is the blue kettle?' }] } } });
});
afterAll(async () => {
  await browser?.close();
  await daca?.close();
});

describe('topology page', () => {
  it('draws agents as nodes coloured by health and the calls between them, as /api/mesh/edges reports', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(`${daca.url}/ui/topology`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
    await page.goto(`${daca.url}/ui/topology`);
    await page.getByTestId('topology-graph').waitFor();
    const api = (await (await fetch(`${daca.url}/api/mesh/edges`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as { nodes: unknown[]; edges: unknown[] };
    expect(await page.getByTestId('topology-node').count()).toBe(api.nodes.length);
    expect(await page.getByTestId('topology-edge').count()).toBe(api.edges.length);
    expect(await page.locator('[data-testid="topology-node"][data-health="healthy"]').count()).toBeGreaterThanOrEqual(4);
    await expect.poll(() => page.getByTestId('topology-edges').innerText()).toMatch(/buyer\s+seller\s+4/);
    expect(await page.getByTestId('topology-decisions').innerText()).toMatch(/seller\/quote/);
    if (process.env.DACA_SCREENSHOT) await page.screenshot({ path: process.env.DACA_SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
