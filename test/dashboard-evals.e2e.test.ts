/**
 * The dashboard's eval pages in Debian's chromium (playwright-core): two real runs of a suite
 * through daca on sim models (a strong one kept in daca's store, a weak one as JSONL in the data
 * folder), the runs list with their pass rates, one run with per-persona metrics and charts, and
 * the comparison of the two with McNemar's p and the regressed cases — every figure checked
 * against the runs' own trials. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../src/evals/evaluate.js';
import type { RunResults } from '../src/evals/results.js';
import { JsonlRunStore } from '../src/evals/sinks/jsonl-sink.js';
import { StoreRunRepo } from '../src/evals/sinks/store-sink.js';
import { mcnemarExact } from '../src/evals/stats/mcnemar.js';
import { parseSuiteText } from '../src/evals/suite-loader.js';
import { SIM_KEY, SIM_SPEC, capitalsSuiteYaml } from '../src/evals/testing/sim-fixtures.js';
import type { RunningDaca } from '../src/server/serve.js';
import { ensureUiBuilt, launchChromium, phoneWidth as phoneWidthOf } from './support/browser.js';
import { startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/dashboard');
let daca: RunningDaca;
let browser: Browser;
let strong: RunResults;
let weak: RunResults;
const pageErrors: string[] = [];

const passRate = (r: RunResults, f: (t: RunResults['trials'][number]) => boolean = () => true): number => {
  const ts = r.trials.filter(f);
  return ts.filter((t) => t.passed).length / ts.length;
};

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.route(`${daca.url}/ui/**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
  await page.goto(`${daca.url}/ui/${path}`);
  return page;
}

/** Opens `path` on a 390 px phone and returns how wide the document is (the page must fit). */
const phoneWidth = (path: string, testId: string): Promise<number> =>
  phoneWidthOf({ browser, url: daca.url, key: TEST_ADMIN_KEY, shots: SHOTS, errors: pageErrors }, path, testId);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureUiBuilt();
  [browser, daca] = await Promise.all([launchChromium(), startTestDaca(SIM_SPEC)]);
  const suite = parseSuiteText(capitalsSuiteYaml({ n: 16, personas: ['novice', 'expert'] }), 'capitals.yaml');
  const common = { suite, baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY, seed: 1, concurrency: 4 };
  strong = await evaluate({ ...common, model: 'strong', sink: new StoreRunRepo(daca.services.store) });
  weak = await evaluate({ ...common, model: 'weak', sink: new JsonlRunStore(join(daca.services.dataDir, 'evals')) });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daca?.close();
});

describe('dashboard eval runs', () => {
  it('lists both runs with their pass rates, shows one run per persona, and compares the two', async () => {
    expect(passRate(strong)).toBeGreaterThan(passRate(weak)); // the fixture's premise: the weak model loses hard cases
    const page = await openPage('evals');
    const table = page.getByTestId('evals-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    for (const run of [strong, weak]) {
      const row = table.locator(`tr[data-run="${run.meta.id}"]`);
      expect(Number(await row.locator('[data-col="pass-rate"]').getAttribute('data-value'))).toBe(passRate(run));
      expect(Number(await row.locator('[data-col="trials"]').getAttribute('data-value'))).toBe(run.trials.length);
      expect(await row.textContent()).toContain(run.meta.agent.model!);
    }
    await page.getByTestId('chart-pass-rate-of-the-latest-runs').locator('.uplot').waitFor();
    await page.screenshot({ path: join(SHOTS, 'evals.png'), fullPage: true });

    await table.locator(`tr[data-run="${strong.meta.id}"] a`).click();
    await page.getByTestId('page-eval-run').waitFor();
    expect(Number(await page.getByTestId('stat-run-pass-rate').getAttribute('data-value'))).toBe(passRate(strong));
    for (const p of ['novice', 'expert']) {
      const cell = page.getByTestId('persona-table').locator(`tr[data-persona="${p}"] [data-col="pass-rate"]`);
      expect(Number(await cell.getAttribute('data-value'))).toBe(passRate(strong, (t) => t.persona === p));
    }
    const chart = page.getByTestId('chart-per-persona');
    await chart.locator('.uplot').waitFor();
    expect(await chart.getAttribute('data-categories')).toBe('novice|expert');
    expect(await page.getByTestId('failed-trials').locator('tbody tr').count()).toBe(Math.min(100, strong.trials.filter((t) => !t.passed).length));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'eval-run.png'), fullPage: true });

    await page.getByRole('link', { name: 'Eval runs' }).click();
    await page.getByTestId('page-evals').waitFor();
    await page.getByLabel('Baseline run').selectOption(strong.meta.id);
    await page.getByLabel('Candidate run').selectOption(weak.meta.id);
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('page-eval-compare').waitFor();
    const wByKey = new Map(weak.trials.map((t) => [t.key, t]));
    const onlyA = strong.trials.filter((t) => t.passed && !wByKey.get(t.key)!.passed);
    const onlyB = strong.trials.filter((t) => !t.passed && wByKey.get(t.key)!.passed);
    const p = mcnemarExact(onlyA.length, onlyB.length).p;
    await expect.poll(async () => Number(await page.getByTestId('stat-mcnemar-p').getAttribute('data-value'))).toBe(p);
    expect(Number(await page.getByTestId('stat-a-pass-rate').getAttribute('data-value'))).toBe(passRate(strong));
    expect(Number(await page.getByTestId('stat-b-pass-rate').getAttribute('data-value'))).toBe(passRate(weak));
    expect(Number(await page.getByTestId('diff-pass-rate').getAttribute('data-estimate'))).toBeCloseTo(passRate(weak) - passRate(strong), 12);
    expect(await page.getByTestId('compare-summary').textContent()).toContain(`McNemar p = ${p.toPrecision(3)}`);
    const regressed = [...new Set(onlyA.map((t) => t.caseId))].sort();
    expect((await page.getByTestId('cases-regressed').locator('.badge').allTextContents()).sort()).toEqual(regressed);
    const cmpChart = page.getByTestId('chart-pass-rate-per-persona-a-vs-b');
    await cmpChart.locator('.uplot').waitFor();
    expect(await cmpChart.locator('.u-legend').textContent()).toMatch(/A strong.*B weak/s);
    expect(new URL(page.url()).searchParams.get('a')).toBe(strong.meta.id);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'eval-compare.png'), fullPage: true });
    await page.close();
    expect(await phoneWidth(`evals/compare?a=${strong.meta.id}&b=${weak.meta.id}`, 'page-eval-compare')).toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
  });
});
