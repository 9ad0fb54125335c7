/**
 * Alert rules end to end on a real SQLite store and a real local webhook server, driven by a
 * manual clock: a rule fires once (after its `for:`), is delivered with a valid signature, is
 * retried while the webhook answers 500, and resolves when the condition clears.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../metering/usage-record.js';
import { parseSpecText } from '../../spec/loader.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/types.js';
import { ManualClock } from '../analytics/clock.js';
import { createObservability, type Observability } from '../analytics/observability.js';
import type { AlertView } from './alert-view.js';
import { verifySignature } from './signature.js';
import type { WebhookPayload } from './webhook-deliverer.js';

const SECRET = 'webhook-secret-123';
const T0 = Date.parse('2026-03-02T10:00:00Z');

interface Received {
  body: string;
  signature: string | undefined;
  status: number;
}

let dir: string;
let store: Store;
let server: Server;
let received: Received[] = [];
let failFirst = 2;
let obs: Observability;
let spec: ReturnType<typeof parseSpecText>['spec'];
let port = 0;
const clock = new ManualClock(T0);
const logs: { level: string; msg: string }[] = [];
const events: { type: string; data: AlertView }[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (d: Buffer) => (s += d.toString('utf8')));
    req.on('end', () => resolve(s));
  });
}

function usage(agent: string, ts: number, failed: boolean, i: number): UsageRecord {
  return {
    id: `req_${agent}_${ts}_${i}`, ts, tenant: 'acme', team: 'fleet', agent, keyId: 'k', session: null, tags: {}, route: 'chat',
    requestedModel: 'sim-small', model: 'sim-small', provider: 'sim', upstreamModel: 'sim-small', stream: false,
    status: failed ? 502 : 200, errorCode: failed ? 'upstream_error' : null, inputTokens: 10, outputTokens: 20, cachedTokens: 0,
    estimated: false, ttftMs: 5, latencyMs: 10, upstreamMs: 9, overheadMs: 1, costMicros: 30, finishReason: failed ? null : 'stop', cache: 'miss',
  };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, advanceMs = 0): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    if (advanceMs && clock.pendingTimers > 0) await clock.advance(advanceMs);
    else await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daca-alerts-'));
  store = await openStore({ dataDir: dir });
  await store.migrate();
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    const status = received.length < failFirst ? 500 : 200;
    received.push({ body, signature: req.headers['x-daca-signature'] as string | undefined, status });
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  spec = parseSpecText(
    `alerts:
  interval: 30s
  webhooks:
    ops: { url: "http://127.0.0.1:${port}/hook", secret: ${SECRET}, max_attempts: 5 }
  rules:
    - name: error-spike
      expr: "agent.error_rate > 5% over 10m"
      for: 1m
      severity: critical
anomalies: { enabled: false }
`,
    'alerts.yaml',
    {},
  ).spec;
  obs = createObservability({
    store, spec: () => spec, clock, webhookBaseDelayMs: 1_000,
    logger: { info: (_o, msg) => logs.push({ level: 'info', msg }), warn: (_o, msg) => logs.push({ level: 'warn', msg }), error: (_o, msg) => logs.push({ level: 'error', msg }) },
  });
  const sub = obs.hub.subscribe({ types: ['alert'] });
  void (async () => {
    for (let f = await sub.next(); f !== null; f = await sub.next()) {
      const m = /^event: (\w+)\n(?:id: \d+\n)?data: (.*)\n\n$/s.exec(f);
      if (m) events.push({ type: m[1]!, data: JSON.parse(m[2]!) as AlertView });
    }
  })();
  obs.start();
});

afterAll(async () => {
  await obs?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const firing = async () => (await obs.alerts.list({ state: 'firing' })).length;

describe('alert rules', () => {
  it('does not fire before the `for:` duration has passed', async () => {
    const rows: UsageRecord[] = [];
    for (let i = 0; i < 10; i++) rows.push(usage('flaky', T0 - 60_000 + i, i < 3, i), usage('steady', T0 - 60_000 + i, false, i));
    await store.usage.insertBatch(rows);
    await clock.advance(30_000); // the first scheduled evaluation sees the condition: pending
    await obs.alerts.evaluate(); // queued behind the scheduled one
    await clock.advance(30_000);
    await obs.alerts.evaluate();
    expect(await firing()).toBe(0);
    expect(received).toHaveLength(0);
  });

  it('fires once for the failing agent only, and delivers a signed webhook, retrying on 500', async () => {
    await clock.advance(30_000); // now 60 s after the condition was first seen
    await obs.alerts.evaluate();
    expect(await firing()).toBe(1);
    await until(() => received.length >= 3, 'three webhook attempts', 2_000);
    await obs.deliverer.idle();
    const alerts = await obs.alerts.list();
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a).toMatchObject({ rule: 'error-spike', severity: 'critical', state: 'firing', subject: { kind: 'agent', id: 'flaky' }, value: 0.3, threshold: 0.05 });
    expect(a.message).toContain("agent 'flaky': error_rate 30% > 5% over 10m");
    expect(a.deliveries).toEqual([expect.objectContaining({ target: 'ops', event: 'firing', status: 'delivered', attempts: 3, last_error: null })]);
    expect(received.map((r) => r.status)).toEqual([500, 500, 200]);
    for (const r of received) {
      expect(verifySignature(r.body, r.signature, SECRET)).toBe(true);
      expect(verifySignature(r.body, r.signature, 'wrong-secret')).toBe(false);
    }
    const payload = JSON.parse(received[2]!.body) as WebhookPayload;
    expect(payload).toMatchObject({ type: 'alert', event: 'firing', alert: { id: a.id, rule: 'error-spike', state: 'firing' } });
    expect(events.filter((e) => e.data.state === 'firing').map((e) => e.data.id)).toEqual([a.id]);
    expect(logs.some((l) => l.level === 'warn' && l.msg.startsWith('alert firing: error-spike'))).toBe(true);
  });

  it('stays one alert while the condition holds', async () => {
    await clock.advance(30_000);
    await obs.alerts.evaluate();
    await obs.alerts.evaluate();
    expect((await obs.alerts.list()).length).toBe(1);
    expect(received).toHaveLength(3);
  });

  it('resolves when the condition clears and tells the webhook', async () => {
    await clock.advance(10 * 60_000); // the failing rows leave the 10-minute window
    await until(async () => (await firing()) === 0, 'the alert to resolve');
    await until(() => received.length === 4, 'the resolved webhook');
    await obs.deliverer.idle();
    const [a] = await obs.alerts.list({ state: 'resolved' });
    expect(a!.resolved_at).not.toBeNull();
    expect(Date.parse(a!.resolved_at!)).toBeGreaterThan(Date.parse(a!.started_at));
    expect(JSON.parse(received[3]!.body)).toMatchObject({ event: 'resolved', alert: { state: 'resolved', id: a!.id } });
    expect(a!.deliveries.map((d) => [d.event, d.status])).toEqual([['firing', 'delivered'], ['resolved', 'delivered']]);
    expect(events.map((e) => e.data.state)).toEqual(['firing', 'resolved']);
  });

  it('fires and resolves budget rules from reported usage; a webhook that never answers 2xx ends failed', async () => {
    failFirst = 1_000;
    spec = parseSpecText(
      `alerts:
  webhooks:
    ops: { url: "http://127.0.0.1:${port}/hook", secret: ${SECRET}, max_attempts: 2 }
  rules:
    - { name: budget-80, expr: "budget >= 80%" }
    - { name: budget-100, expr: "budget >= 100%", severity: critical }
anomalies: { enabled: false }
`,
      'alerts.yaml',
      {},
    ).spec;
    await obs.alerts.reportBudgetUsage('team:fleet/day', 50, 100);
    expect(await firing()).toBe(0);
    await obs.alerts.reportBudgetUsage('team:fleet/day', 85, 100);
    await obs.alerts.reportBudgetUsage('team:fleet/day', 86, 100);
    let now = await obs.alerts.list({ state: 'firing' });
    expect(now.map((a) => [a.rule, a.subject.id, a.value])).toEqual([['budget-80', 'team:fleet/day', 0.86]]);
    await until(() => received.length >= 6, 'two failing attempts', 2_000);
    await obs.deliverer.idle();
    now = await obs.alerts.list({ state: 'firing' });
    expect(now[0]!.deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 2, last_error: 'HTTP 500' })]);
    await obs.alerts.reportBudgetUsage('team:fleet/day', 100, 100);
    expect((await obs.alerts.list({ state: 'firing' })).map((a) => a.rule).sort()).toEqual(['budget-100', 'budget-80']);
    await obs.alerts.reportBudgetUsage('team:fleet/day', 0, 100); // a new day
    expect(await firing()).toBe(0);
    await obs.alerts.evaluate(); // scheduled evaluation keeps them resolved
    expect(await firing()).toBe(0);
  });
});
