/**
 * The web dashboard end to end: daca in-process with traffic from several agents, Debian's chromium
 * (headless, playwright-core) logging in, reading every page, following a live update, and on a
 * phone. Figures on the pages must equal `/api/usage`. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_YAML } from '../src/spec/default-spec.js';
import { parseSpecText } from '../src/spec/loader.js';
import { startDaca, type RunningDaca } from '../src/server/serve.js';
import { ensureUiBuilt, launchChromium } from './support/browser.js';

const ADMIN = 'dashboard-admin-key-0123456789abcdef';
const SHOTS = resolve(import.meta.dirname, '../test-artifacts/dashboard');
// the embedded default spec plus one alert rule that the traffic below trips (planner makes 5 calls)
const SPEC = `${DEFAULT_SPEC_YAML}
alerts:
  interval: 1s
  rules:
    - { name: busy-agent, expr: "agent.requests > 4", severity: warning }
`;
const AGENTS = [
  { agent: 'planner', team: 'research', calls: 5 },
  { agent: 'researcher', team: 'research', calls: 3 },
  { agent: 'writer', team: 'content', calls: 2 },
];

let daca: RunningDaca;
let browser: Browser;
const keys = new Map<string, string>();
const pageErrors: string[] = [];

async function admin<T>(path: string): Promise<T> {
  const r = await fetch(`${daca.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(r.status, `${path}: ${r.status}`).toBe(200);
  return (await r.json()) as T;
}

async function chat(agent: string, session: string, text: string): Promise<void> {
  const r = await fetch(`${daca.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.get(agent)}`, 'content-type': 'application/json', 'x-daca-session': session },
    body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: text }] }),
  });
  expect(r.status).toBe(200);
  await r.text();
}

interface Totals {
  requests: number;
  cost_micros: number;
  input_tokens: number;
  output_tokens: number;
}

const usageTotals = async (): Promise<Totals> => (await admin<{ totals: Totals }>('/api/usage?from=-24h')).totals;
const statValue = async (page: Page, id: string): Promise<number> => Number(await page.getByTestId(`stat-${id}`).getAttribute('data-value'));
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

function watch(page: Page): Page {
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

async function goTab(page: Page, name: string, testId: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
  await page.getByTestId(testId).waitFor();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureUiBuilt();
  browser = await launchChromium();
  daca = await startDaca({
    spec: parseSpecText(SPEC, 'dashboard-test.yaml'),
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'daca-dashboard-')),
    adminKey: ADMIN,
    logger: pino({ level: 'silent' }),
  });
  for (const a of AGENTS) {
    const r = await fetch(`${daca.url}/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: a.agent, team: a.team, tenant: 'acme' }),
    });
    expect(r.status).toBe(201);
    keys.set(a.agent, ((await r.json()) as { key: string }).key);
  }
  for (const a of AGENTS) {
    for (let i = 0; i < a.calls; i++) await chat(a.agent, `${a.agent}-s${i % 2}`, `Task ${i} for ${a.agent}: summarise the quarterly report in ${10 + i} words.`);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daca?.close();
});

describe('dashboard at /ui', () => {
  it('serves the app: /ui redirects, assets are immutable, index is not cached', async () => {
    const redirect = await fetch(`${daca.url}/ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/ui/');
    const index = await fetch(`${daca.url}/ui/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    expect(html).not.toContain('daca-session');
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${daca.url}${asset}`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const deep = await fetch(`${daca.url}/ui/agents/planner`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
  });

  it('injects a session for a page loaded with the admin key, which the API accepts as admin', async () => {
    const html = await (await fetch(`${daca.url}/ui/`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
    const token = /<meta name="daca-session" content="([^"]+)">/.exec(html)?.[1];
    expect(token).toMatch(/^dacaui_/);
    const agentHtml = await (await fetch(`${daca.url}/ui/`, { headers: { authorization: `Bearer ${keys.get('planner')}` } })).text();
    expect(agentHtml).not.toContain('daca-session'); // an agent key gets no session
    const r = await fetch(`${daca.url}/api/usage`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
  });

  it('logs in through the form, shows figures equal to /api/usage, and updates live', async () => {
    const page = watch(await browser.newPage({ viewport: { width: 1280, height: 860 } }));
    await page.goto(`${daca.url}/ui/`);
    const form = page.getByTestId('login-form');
    await form.waitFor();
    await shot(page, 'login');
    await form.getByLabel('Admin key').fill('not-the-key-0123456789');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('not accepted');
    await form.getByLabel('Admin key').fill(ADMIN);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('page-overview').waitFor();

    const totals = await usageTotals();
    expect(totals.requests).toBe(10);
    await expect.poll(() => statValue(page, 'requests')).toBe(totals.requests);
    expect(await statValue(page, 'spend')).toBe(totals.cost_micros);
    expect(await statValue(page, 'tokens')).toBe(totals.input_tokens + totals.output_tokens);
    expect(await page.getByTestId('stat-requests').locator('.stat-value').textContent()).toBe(totals.requests.toLocaleString('en-US'));
    expect(await page.getByTestId('stat-spend').locator('.stat-value').textContent()).toMatch(/^\$\d/);
    const top = page.getByTestId('top-agents');
    await expect.poll(() => top.locator('tbody tr').first().textContent()).toContain('planner'); // most calls, highest cost
    await page.waitForTimeout(800); // let charts settle for the screenshot
    await shot(page, 'overview');

    // live: one more call shows up without a reload, pushed by the event stream
    // The app opens the stream 2 s after load; allow a loaded CI machine time to connect.
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 20_000 }).toContain('Live');
    const before = await statValue(page, 'requests');
    await page.evaluate('window.__noReload = true');
    await chat('writer', 'writer-live', 'One more thing, briefly.');
    await expect.poll(() => statValue(page, 'requests'), { timeout: 15_000 }).toBe(before + 1);
    expect(await page.evaluate('window.__noReload')).toBe(true);
    await expect.poll(() => page.getByTestId('feed').textContent()).toContain('writer'); // the request itself, from the stream
    const after = await usageTotals();
    expect(await statValue(page, 'spend')).toBe(after.cost_micros);

    // agents: one row per agent with the API's figures
    await goTab(page, 'Agents', 'page-agents');
    const agents = (await admin<{ data: Array<{ agent: string; requests: number; cost_micros: number }> }>('/api/agents?from=-24h')).data;
    for (const a of AGENTS) {
      const api = agents.find((r) => r.agent === a.agent)!;
      const row = page.locator(`tr[data-agent="${a.agent}"]`);
      await expect.poll(() => row.locator('[data-col="requests"]').textContent()).toBe(String(api.requests));
      expect(Number(await row.locator('[data-col="cost"]').getAttribute('data-value'))).toBe(api.cost_micros);
    }
    await shot(page, 'agents');

    // one agent
    await page.locator('tr[data-agent="planner"] a').first().click();
    await page.getByTestId('page-agent').waitFor();
    const planner = (await admin<{ groups: Array<{ requests: number; cost_micros: number }> }>('/api/usage?from=-24h&agent=planner&group_by=agent')).groups[0]!;
    await expect.poll(() => statValue(page, 'agent-requests')).toBe(planner.requests);
    expect(await statValue(page, 'agent-cost')).toBe(planner.cost_micros);
    await expect.poll(() => page.getByTestId('sessions-table').textContent()).toContain('planner-s0');
    await page.waitForTimeout(500);
    await shot(page, 'agent');

    // sessions and one session
    await goTab(page, 'Sessions', 'page-sessions');
    const sessions = page.getByTestId('sessions-table');
    await expect.poll(() => sessions.textContent()).toContain('researcher-s1');
    expect(await sessions.locator('tbody tr').count()).toBe(7); // 2 per agent + writer-live
    await shot(page, 'sessions');
    await sessions.getByRole('link', { name: 'planner-s0' }).click();
    await page.getByTestId('page-session').waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'session');

    // alerts: the rule fired for planner, as /api/alerts says
    await expect.poll(async () => (await admin<{ data: Array<{ rule: string; state: string; subject: { id: string } }> }>('/api/alerts?state=all')).data.map((a) => `${a.rule}:${a.state}:${a.subject.id}`), { timeout: 10_000 }).toContain('busy-agent:firing:planner');
    await goTab(page, 'Alerts', 'page-alerts');
    const alerts = page.getByTestId('alerts-list');
    await expect.poll(() => alerts.textContent()).toContain('busy-agent');
    expect(await alerts.locator('li.alert-firing').count()).toBe(1);
    expect(await alerts.locator('li.alert-firing').textContent()).toContain('planner');
    await shot(page, 'alerts');

    // log out returns to the form and forgets the key
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByTestId('login-form').waitFor();
    expect(await page.evaluate(`[sessionStorage.getItem('daca.adminKey'), localStorage.getItem('daca.adminKey')]`)).toEqual([null, null]);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('works without the form when the page is loaded with the admin key (as the acceptance check does)', async () => {
    const page = watch(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
    // the header goes on the page load only, so the API calls must use the injected session
    await page.route(`${daca.url}/ui/`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${ADMIN}` } }));
    // like the acceptance check: the network goes idle (the event stream opens only after the first load)
    await page.goto(`${daca.url}/ui/`, { waitUntil: 'networkidle', timeout: 10_000 });
    await page.getByTestId('page-overview').waitFor();
    await expect.poll(() => statValue(page, 'requests')).toBe((await usageTotals()).requests);
    expect(await page.getByTestId('login-form').count()).toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = watch(await ctx.newPage());
    await page.goto(`${daca.url}/ui/`);
    await page.getByTestId('login-form').getByLabel('Admin key').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('page-overview').waitFor();
    await expect.poll(() => statValue(page, 'requests')).toBe((await usageTotals()).requests);
    await page.waitForTimeout(500);
    // nothing wider than the screen except inside the scrollable table wrappers
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'overview-phone');
    await goTab(page, 'Agents', 'page-agents');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'agents-phone');
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });
});
