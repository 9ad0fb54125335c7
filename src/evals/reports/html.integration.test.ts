/**
 * The HTML report rendered in Debian's chromium (playwright-core): charts have size and bars,
 * nothing is fetched from the network; a screenshot goes to test-artifacts/evals/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../test/support/browser.js';
import { syntheticRun } from '../testing/synthetic-run.js';
import { renderHtmlReport } from './html.js';

const OUT = resolve(import.meta.dirname, '../../../test-artifacts/evals');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('HTML report in chromium', () => {
  it('renders charts and tables without external requests', async () => {
    const run = syntheticRun('chromium-run', {
      cases: 24,
      personas: ['novice', 'expert', 'impatient', 'adversarial', 'non_native'],
      trials: 3,
      passed: (c, p, t) => (c * 7 + p * 3 + t) % 10 < 10 - (c % 6) - p,
    });
    const file = join(OUT, 'report.html');
    writeFileSync(file, renderHtmlReport(run));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) external.push(r.url());
    });
    await page.goto(pathToFileURL(file).href);
    const charts = await page.locator('svg.chart').evaluateAll((els) => els.map((e) => {
      const b = e.getBoundingClientRect();
      return { w: b.width, h: b.height, rects: e.querySelectorAll('rect').length };
    }));
    expect(charts).toHaveLength(3);
    for (const c of charts) {
      expect(c.w).toBeGreaterThan(200);
      expect(c.h).toBeGreaterThan(150);
      expect(c.rects).toBeGreaterThan(5);
    }
    expect(await page.locator('h1').textContent()).toBe('Eval report: synthetic');
    expect(await page.locator('table').first().locator('tbody tr').count()).toBe(6);
    expect(external).toEqual([]);
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    await page.close();
  });
});
