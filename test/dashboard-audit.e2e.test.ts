/**
 * The dashboard's audit pages in Debian's chromium (playwright-core): real traffic through the
 * gateway with the official OpenAI SDK (two agents, sessions, one request blocked by a topic
 * guardrail) and an agent's own decision; the search form by agent, session, request id and time
 * returns what `/api/audit` returns; a record shows the explanation `daca audit explain` gives; the
 * "Verify chain" button says the chain holds, then — after a record is edited straight in the
 * SQLite file — which record breaks it. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAuditOf } from '../src/compliance/node-audit.js';
import type { RunningDaca } from '../src/server/serve.js';
import { ensureUiBuilt, launchChromium, phoneWidth as phoneWidthOf } from './support/browser.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

const SHOTS = resolve(import.meta.dirname, '../test-artifacts/dashboard');
const KEYS = { refunds: 'sk-audit-ui-refunds-0123456789ab', billing: 'sk-audit-ui-billing-0123456789ab' } as const;
const SPEC = `version: 1
server: { dev_key: false }
providers: { sim: { kind: sim } }
models: { small: { provider: sim, price: { input: 1, output: 2 } } }
tenants: { acme: {} }
teams: { support: { tenant: acme } }
agents:
  refunds: { team: support }
  billing: { team: support }
keys:
  refunds: { value: ${KEYS.refunds}, agent: refunds }
  billing: { value: ${KEYS.billing}, agent: billing }
guardrails:
  policy: { topics: [bioweapons] }
`;

interface Rec {
  id: string;
  seq: number;
  agent: string | null;
  session: string | null;
  request_id: string | null;
}

let daca: RunningDaca;
let browser: Browser;
let blockedId = '';
let startedAt = 0;
const pageErrors: string[] = [];

async function api<T>(path: string): Promise<T> {
  const r = await fetch(`${daca.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function ask(agent: keyof typeof KEYS, session: string, content: string): Promise<string> {
  const client = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: KEYS[agent], maxRetries: 0 });
  try {
    const { response } = await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content }] }, { headers: { 'x-daca-session': session } }).withResponse();
    return response.headers.get('x-daca-request-id')!;
  } catch (e) {
    if (!(e instanceof OpenAI.APIError) || e.status !== 400) throw e;
    return e.headers?.get('x-daca-request-id') ?? '';
  }
}

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.route(`${daca.url}/ui/**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
  await page.goto(`${daca.url}/ui/${path}`);
  return page;
}

/** The ids of the rows the records table shows, once it has settled on `want`. */
async function shownIds(page: Page, want: string[]): Promise<string[]> {
  const rows = page.getByTestId('audit-table').locator('tbody tr');
  await expect.poll(async () => (await rows.evaluateAll((trs) => trs.map((t) => t.getAttribute('data-record')))).join(',')).toBe(want.join(','));
  return want;
}

/** A `datetime-local` value (UTC, minutes) for the page, which runs in UTC. */
const localMinute = (t: number): string => new Date(t).toISOString().slice(0, 16);

/** Opens `path` on a 390 px phone and returns how wide the document is (the page must fit). */
const phoneWidth = (path: string, testId: string): Promise<number> =>
  phoneWidthOf({ browser, url: daca.url, key: TEST_ADMIN_KEY, shots: SHOTS, errors: pageErrors }, path, testId);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureUiBuilt();
  [browser, daca] = await Promise.all([launchChromium(), startTestDaca(SPEC)]);
  startedAt = Date.now();
  for (let i = 0; i < 3; i++) await ask('refunds', 'case-42', `Refund order ${100 + i}, please.`);
  for (let i = 0; i < 2; i++) await ask('billing', 'inv-7', `Invoice ${7 + i} total?`);
  blockedId = await ask('refunds', 'case-42', 'Tell me about bioweapons please.');
  expect(blockedId).toMatch(/\S/);
  const r = await post(`${daca.url}/api/audit/events`, KEYS.refunds, { session: 'case-42', request_id: blockedId, decision: { summary: 'declined refund 42: request was off-topic', action: 'rejected' } });
  expect(r.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (daca) await closeAuditOf(daca.services);
  await daca?.close();
});

describe('dashboard audit', () => {
  it('searches by agent, session, request id and time, and shows a record with its explanation', async () => {
    const page = await openPage('audit');
    await page.getByTestId('page-audit').waitFor();
    const form = page.getByTestId('audit-search');

    await form.getByLabel('Agent').fill('refunds');
    await form.getByRole('button', { name: 'Search' }).click();
    const byAgent = (await api<{ records: Rec[] }>('/api/audit?agent=refunds')).records;
    expect(byAgent.length).toBeGreaterThanOrEqual(5); // 4 requests and the agent's decision
    await shownIds(page, byAgent.map((r) => r.id));
    expect(new URL(page.url()).searchParams.get('agent')).toBe('refunds');

    await form.getByLabel('Agent').fill('');
    await form.getByLabel('Session').fill('inv-7');
    await form.getByRole('button', { name: 'Search' }).click();
    const bySession = (await api<{ records: Rec[] }>('/api/audit?session=inv-7')).records;
    expect(new Set(bySession.map((r) => r.agent))).toEqual(new Set(['billing']));
    await shownIds(page, bySession.map((r) => r.id));

    // a time range that ends before the traffic finds nothing; one that starts before it finds the session again
    await form.getByLabel('To').fill(localMinute(startedAt - 120_000));
    await form.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByText('No audit records match.').count()).toBe(1);
    await form.getByLabel('To').fill('');
    await form.getByLabel('From').fill(localMinute(startedAt - 60_000));
    await form.getByRole('button', { name: 'Search' }).click();
    await shownIds(page, bySession.map((r) => r.id));

    await form.getByRole('button', { name: 'Clear' }).click();
    await form.getByLabel('Request id').fill(blockedId);
    await form.getByRole('button', { name: 'Search' }).click();
    const byRequest = (await api<{ records: Rec[] }>(`/api/audit?request_id=${blockedId}`)).records;
    expect(byRequest.map((r) => r.request_id)).toEqual(byRequest.map(() => blockedId));
    await shownIds(page, byRequest.map((r) => r.id));
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });

    const gw = byRequest.at(-1)!; // the oldest record of the request: the gateway's
    await page.locator(`tr[data-record="${gw.id}"] td a`).first().click();
    await page.getByTestId('page-audit-record').waitFor();
    expect(Number(await page.getByTestId('page-audit-record').getAttribute('data-seq'))).toBe(gw.seq);
    const ex = await api<{ summary: string; verdict: string; steps: { id: string }[] }>(`/api/audit/explain/${blockedId}`);
    expect(ex.verdict).toBe('blocked');
    await expect.poll(() => page.getByTestId('explain-summary').textContent()).toBe(ex.summary);
    expect(await page.getByTestId('explain-summary').getAttribute('data-verdict')).toBe('blocked');
    expect(await page.getByTestId('explain-steps').locator('li').count()).toBe(ex.steps.length);
    expect(await page.getByTestId('explain-steps').textContent()).toContain('declined refund 42: request was off-topic');
    await page.getByText('As JSON').click();
    expect(JSON.parse((await page.getByTestId('explain-json').textContent())!)).toEqual(ex);
    await page.screenshot({ path: join(SHOTS, 'audit-record.png'), fullPage: true });
    await page.close();
  });

  it('verifies the chain, then names the record a direct edit of the database broke', async () => {
    const page = await openPage('audit');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    const ok = await api<{ ok: boolean; records: number }>('/api/audit/verify');
    expect(ok.ok).toBe(true);
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(Number(await result.getAttribute('data-records'))).toBe(ok.records);

    const victim = (await api<{ records: Rec[] }>('/api/audit?session=inv-7')).records.at(-1)!;
    const db = new Database(join(daca.services.dataDir, 'daca.db'));
    db.pragma('busy_timeout = 5000');
    expect(db.prepare('UPDATE audit_records SET agent = ? WHERE seq = ?').run('someone-else', victim.seq).changes).toBe(1);
    db.close();

    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false');
    const bad = await api<{ ok: boolean; firstProblem: { seq: number; message: string } }>('/api/audit/verify');
    expect(bad.firstProblem.seq).toBe(victim.seq);
    expect(Number(await result.getAttribute('data-seq'))).toBe(victim.seq);
    const text = await page.getByTestId('verify-break').textContent();
    expect(text).toContain(`record #${victim.seq}`);
    expect(text).toContain(bad.firstProblem.message);
    await page.screenshot({ path: join(SHOTS, 'audit-verify.png'), fullPage: true });
    await page.close();
    expect(await phoneWidth('audit', 'page-audit')).toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
  });
});
