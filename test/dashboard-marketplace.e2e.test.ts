/**
 * The dashboard's marketplace pages in Debian's chromium (playwright-core): a market started from
 * the page runs on the node, its page shows deals, fairness, live agents and uPlot charts, and one
 * deal opens to its negotiation step by step. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_SPEC_YAML } from '../src/orchestration/marketplace/market-spec.js';
import type { RunningDaca } from '../src/server/serve.js';
import { ensureUiBuilt, launchChromium } from './support/browser.js';
import { startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/dashboard');
let daca: RunningDaca;
let browser: Browser;
const pageErrors: string[] = [];

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.route(`${daca.url}/**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
  await page.goto(`${daca.url}/ui/${path}`);
  return page;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureUiBuilt();
  daca = await startTestDaca(MARKET_SPEC_YAML);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daca?.close();
});

describe('dashboard: marketplace', () => {
  it('starts a market, shows it live, and follows one deal through its negotiation', async () => {
    const page = await openPage('marketplace');
    await page.getByLabel('Buyers').fill('60');
    await page.getByTestId('start-market').click();
    await page.waitForURL(/\/ui\/marketplace\/market-/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    for (;;) {
      const r = await fetch(`${daca.url}/api/orchestration/markets/${id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
      if (!((await r.json()) as { running: boolean }).running) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await page.reload();
    await page.getByTestId('deals-table').waitFor();
    await expect.poll(() => page.getByTestId('page-market').textContent()).toMatch(/Feasible needs served\s*100\.0%/);
    expect(await page.locator('.uplot').count()).toBeGreaterThanOrEqual(5);
    await expect.poll(() => page.getByTestId('page-market').textContent()).toMatch(/Live agents[\s\S]*seller/);
    await page.screenshot({ path: join(SHOTS, 'marketplace.png'), fullPage: true });
    await page.getByTestId('deals-table').locator('a').first().click();
    await page.getByTestId('deal-history').waitFor();
    const steps = await page.locator('[data-testid="deal-history"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(steps[0]).toBe('posted');
    expect(steps).toContain('offer');
    expect(steps.at(-1)).toBe('settled');
    await page.screenshot({ path: join(SHOTS, 'marketplace-deal.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
