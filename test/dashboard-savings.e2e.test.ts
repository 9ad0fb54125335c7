/**
 * The dashboard's savings advisor page in Debian's chromium (playwright-core): real eval runs of
 * the `support` suite on a large and a small sim model through daca, real traffic (repeated
 * questions answered from the exact cache, a second agent routed to the small model), then the
 * page's recommendation, monthly saving, evidence links and cache/routing savings — each equal to
 * what the API computes from the same usage. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../src/evals/evaluate.js';
import type { RunResults } from '../src/evals/results.js';
import { JsonlRunStore } from '../src/evals/sinks/jsonl-sink.js';
import { loadSuiteFile } from '../src/evals/suite-loader.js';
import type { RunningDaca } from '../src/server/serve.js';
import { ensureUiBuilt, launchChromium, phoneWidth as phoneWidthOf } from './support/browser.js';
import { startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/dashboard');
const KEYS = { support: 'sk-savings-ui-support-0123456789', triage: 'sk-savings-ui-triage-01234567890' } as const;
const SPEC = `version: 1
server: { dev_key: false }
providers: { sim: { kind: sim, seed: 3 } }
models:
  gpt-4o-mini: { provider: sim, capability: 0.6, price: { input: 0.15, output: 0.6 } }
  gpt-4o: { provider: sim, capability: 0.9, price: { input: 2.5, output: 10 } }
cache: { exact: { enabled: true } }
tenants: { acme: {} }
teams: { care: { tenant: acme } }
agents:
  support: { team: care, cache: { exact: true } }
  triage: { team: care, routing: { policy: fixed, models: [gpt-4o-mini] } }
keys:
  support: { value: ${KEYS.support}, agent: support }
  triage: { value: ${KEYS.triage}, agent: triage }
`;

interface Advice {
  agent: string;
  window_days: number;
  current: { model: string | null; requests: number; cost_usd: number };
  recommendation: { kind: string; name: string; projected_cost_usd: number; saving_usd: number; monthly_saving_usd: number; reason: string };
  evidence: { run: string }[];
}

let daca: RunningDaca;
let browser: Browser;
const runs: RunResults[] = [];
const pageErrors: string[] = [];

async function api<T>(path: string): Promise<T> {
  const r = await fetch(`${daca.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function ask(agent: keyof typeof KEYS, content: string): Promise<void> {
  const client = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: KEYS[agent], maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
}

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
  [browser, daca] = await Promise.all([launchChromium(), startTestDaca(SPEC)]);
  const file = join(daca.services.dataDir, 'support.yaml');
  const cases = Array.from({ length: 20 }, (_, i) => `  - { id: c${i}, input: "Where is order ${500 + i}? [sim:difficulty=0.02] [sim:answer=${10 + i}]", expected: "${10 + i}" }`);
  writeFileSync(file, `name: support\nagent: { kind: prompt, model: gpt-4o, system: "Answer briefly." }\ncases:\n${cases.join('\n')}\n`);
  const suite = await loadSuiteFile(file);
  for (const model of ['gpt-4o', 'gpt-4o-mini']) {
    runs.push(await evaluate({ suite, sink: new JsonlRunStore(join(daca.services.dataDir, 'evals')), baseUrl: `${daca.url}/v1`, apiKey: KEYS.support, model, seed: 1, concurrency: 4, headers: { 'x-daca-cache': 'off' } }));
  }
  for (let i = 0; i < 6; i++) await ask('support', `Customer ${i} asks where their parcel is. [sim:tokens=120]`);
  for (let i = 0; i < 3; i++) await ask('support', 'Customer 0 asks where their parcel is. [sim:tokens=120]'); // answered from the cache
  for (let i = 0; i < 3; i++) await ask('triage', `Ticket ${i}: which queue? [sim:tokens=40]`); // routed to gpt-4o-mini
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daca?.close();
});

describe('dashboard savings advisor', () => {
  it('shows each agent’s recommendation, monthly saving and evidence, and what cache and routing saved', async () => {
    const { agents } = await api<{ agents: Advice[] }>('/api/cost/advice?margin=2pp&days=30');
    const support = agents.find((a) => a.agent === 'support')!;
    const triage = agents.find((a) => a.agent === 'triage')!;
    // the advice is priced on real usage: the agent's spend is what /api/usage metered for it
    const usage = await api<{ totals: { cost_usd: number } }>('/api/usage?agent=support&from=-30d');
    expect(support.current.cost_usd).toBeCloseTo(usage.totals.cost_usd, 6);
    expect(support.recommendation.kind).toBe('model');
    expect(support.recommendation.name).toBe('gpt-4o-mini');
    expect(support.recommendation.monthly_saving_usd).toBeCloseTo(((support.current.cost_usd - support.recommendation.projected_cost_usd) * 30) / support.window_days, 6);
    expect(support.evidence.map((e) => e.run).sort()).toEqual(runs.map((r) => r.meta.id).sort());
    expect(triage.recommendation.kind).toBe('keep');
    const report = await api<{ totals: { saved_by_cache_usd: number; saved_by_routing_usd: number } }>('/api/cost/report?group_by=day&from=-30d');
    expect(report.totals.saved_by_cache_usd).toBeGreaterThan(0);
    expect(report.totals.saved_by_routing_usd).toBeGreaterThan(0);

    const page = await openPage('savings');
    await page.getByTestId('page-savings').waitFor();
    const row = page.getByTestId('savings-table').locator('tr[data-agent="support"]');
    await row.waitFor();
    expect(await row.getAttribute('data-kind')).toBe('model');
    expect(await row.locator('[data-col="recommendation"]').textContent()).toBe('switch to gpt-4o-mini');
    expect(Number(await row.locator('[data-col="monthly-saving"]').getAttribute('data-value'))).toBe(support.recommendation.monthly_saving_usd);
    expect(Number(await row.locator('[data-col="spend"]').getAttribute('data-value'))).toBe(support.current.cost_usd);
    expect(await page.getByTestId('savings-table').locator('tr[data-agent="triage"]').getAttribute('data-kind')).toBe('keep');
    const total = agents.reduce((s, a) => s + a.recommendation.monthly_saving_usd, 0);
    expect(Number(await page.getByTestId('stat-monthly-saving').getAttribute('data-value'))).toBeCloseTo(total, 9);
    expect(Number(await page.getByTestId('stat-saved-cache').getAttribute('data-value'))).toBe(report.totals.saved_by_cache_usd);
    expect(Number(await page.getByTestId('stat-saved-routing').getAttribute('data-value'))).toBe(report.totals.saved_by_routing_usd);
    expect(await page.getByTestId('advice-triage').getByTestId('advice-reason').textContent()).toBe(triage.recommendation.reason);
    const chart = page.getByTestId('chart-saved-by-cache-and-routing');
    await chart.locator('.uplot').waitFor();
    expect(await chart.locator('.u-legend').textContent()).toMatch(/cache.*routing/s);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SHOTS, 'savings.png'), fullPage: true });

    const evidence = page.getByTestId('advice-support').getByTestId('advice-evidence');
    expect((await evidence.locator('a').allTextContents()).sort()).toEqual(runs.map((r) => r.meta.id).sort());
    const mini = runs.find((r) => r.meta.agent.model === 'gpt-4o-mini')!;
    await evidence.getByRole('link', { name: mini.meta.id }).click();
    await page.getByTestId('page-eval-run').waitFor();
    expect(await page.getByTestId('eval-run-id').textContent()).toBe(mini.meta.id);
    expect(Number(await page.getByTestId('stat-run-pass-rate').getAttribute('data-value'))).toBe(mini.trials.filter((t) => t.passed).length / mini.trials.length);
    await page.close();
    expect(await phoneWidth('savings', 'page-savings')).toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
  });
});
