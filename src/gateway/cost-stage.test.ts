/**
 * Routing decisions through the real gateway on the sim provider: a cascade (accepted and
 * escalated, non-streamed and streamed), a router (rule and default), a budget downgrade and a
 * cache hit each leave their policy, reason and saved dollars on the usage row, in
 * `/api/usage` and its export, in the audit record and on the request span.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../../test/support/otlp-receiver.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { costMicros } from '../metering/cost.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { RunningDaca } from '../server/serve.js';

const KEYS = { casc: 'dk-route-cascade-0000000000000000', rtr: 'dk-route-router-00000000000000000', thrifty: 'dk-route-thrifty-0000000000000000' };
const LARGE = { input: 2.5, output: 10 };
let d: RunningDaca;
let rx: OtlpReceiver;

beforeAll(async () => {
  rx = await OtlpReceiver.start();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = rx.url;
  try {
    d = await startTestDaca(`
providers: { sim: { kind: sim, seed: 5 } }
models:
  small: { provider: sim, upstream: gpt-4o-mini, capability: 0.6, price: { input: 0.15, output: 0.6 } }
  large: { provider: sim, upstream: gpt-4o, capability: 0.9, price: { input: ${LARGE.input}, output: ${LARGE.output} } }
tenants: { acme: {} }
teams: { care: { tenant: acme } }
cache:
  exact: { enabled: true, ttl_s: 600 }
agents:
  casc:
    team: care
    routing: { policy: cascade, models: [small, large], verifiers: [{ type: heuristic }, { type: consistency }] }
  rtr:
    team: care
    routing: { policy: router, models: [small, large], rules: [{ when: { task: faq }, model: small }], default: large }
  thrifty: { team: care }
budgets:
  - { scope: agent, agent: thrifty, limit_usd: 1000, downgrade: { at_percent: 0.000001, to: small } }
keys:
  casc: { value: "${KEYS.casc}", agent: casc }
  rtr: { value: "${KEYS.rtr}", agent: rtr }
  thrifty: { value: "${KEYS.thrifty}", agent: thrifty }
`);
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  }
}, 30_000);
afterAll(async () => {
  await d?.close();
  await rx?.close();
});

const EASY = 'How many days is the return window for the kettle? [sim:difficulty=0.05] [sim:answer=28]';
const HARD = 'How many units are reserved for order 551 in Oslo? [sim:difficulty=0.95] [sim:answer=17]';

async function ask(key: string, content: string, headers: Record<string, string> = {}, stream = false): Promise<string> {
  const res = await post(`${d.url}/v1/chat/completions`, key, { model: 'large', messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) }, headers);
  expect(res.status).toBe(200);
  await res.text();
  return res.headers.get('x-daca-request-id')!;
}

async function row(id: string): Promise<UsageRecord> {
  await d.services.recorder.flush();
  const u = await d.services.store.usage.get(id);
  expect(u).toBeDefined();
  return u!;
}

/** What the row's answer would have cost on the requested model (`large`). */
const atLarge = (u: UsageRecord): number => costMicros({ inputTokens: u.inputTokens, outputTokens: u.outputTokens, cachedTokens: u.cachedTokens }, LARGE);

const admin = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${d.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

describe('routing decisions on usage rows', () => {
  it('cascade: a cheap answer kept, a rejected one escalated (streamed too), each with reason and saving', async () => {
    const off = { 'x-daca-cache': 'off' };
    const easy = await row(await ask(KEYS.casc, EASY, off));
    expect(easy).toMatchObject({ model: 'small', routingPolicy: 'cascade', cache: 'miss', savedByCacheMicros: 0 });
    expect(easy.routingReason).toMatch(/^cascade: start at small; consistency: consistent answer "28"/);
    expect(easy.savedByRoutingMicros).toBe(atLarge(easy) - easy.costMicros);
    expect(easy.savedByRoutingMicros).toBeGreaterThan(0);

    const hard = await row(await ask(KEYS.casc, HARD, off));
    expect(hard).toMatchObject({ model: 'large', routingPolicy: 'cascade' });
    expect(hard.routingReason).toMatch(/escalated small \(consistency: answers differ/);
    // The failed cheap attempt and its probe were paid on top of the large answer: routing cost money here.
    expect(hard.costMicros).toBeGreaterThan(atLarge(hard));
    expect(hard.savedByRoutingMicros).toBe(atLarge(hard) - hard.costMicros);

    // Streamed, the same cascade takes the same path and is metered with every attempt.
    const streamed = await row(await ask(KEYS.casc, HARD, off, true));
    expect(streamed).toMatchObject({ model: 'large', routingPolicy: 'cascade', routingReason: hard.routingReason, stream: true, costMicros: hard.costMicros, savedByRoutingMicros: hard.savedByRoutingMicros });
  });

  it('router: a rule and the default, deterministically', async () => {
    const faq = await row(await ask(KEYS.rtr, 'What are your opening hours?', { 'x-daca-tags': 'task=faq', 'x-daca-cache': 'off' }));
    expect(faq).toMatchObject({ model: 'small', routingPolicy: 'router', routingReason: 'router rule 1 (task=faq) → small' });
    expect(faq.savedByRoutingMicros).toBe(atLarge(faq) - faq.costMicros);
    expect(faq.savedByRoutingMicros).toBeGreaterThan(0);
    const again = await row(await ask(KEYS.rtr, 'What are your opening hours?', { 'x-daca-tags': 'task=faq', 'x-daca-cache': 'off' }));
    expect([again.model, again.routingReason, again.costMicros]).toEqual([faq.model, faq.routingReason, faq.costMicros]);
    const other = await row(await ask(KEYS.rtr, 'Draft a reply to this complaint.', { 'x-daca-cache': 'off' }));
    expect(other).toMatchObject({ model: 'large', routingPolicy: 'router', routingReason: 'router default → large', savedByRoutingMicros: 0 });
  });

  it('budget downgrade: recorded as the budget policy with the saving', async () => {
    const u = await row(await ask(KEYS.thrifty, 'Summarise the last ticket.', { 'x-daca-cache': 'off' }));
    expect(u).toMatchObject({ requestedModel: 'large', model: 'small', routingPolicy: 'budget', routingReason: 'budget near its limit: downgraded to small (was large)' });
    expect(u.savedByRoutingMicros).toBe(atLarge(u) - u.costMicros);
    expect(u.savedByRoutingMicros).toBeGreaterThan(0);
  });

  it('cache hit: zero cost; the stored answer\'s cost saved by the cache, the rest of the requested price by routing', async () => {
    const first = await row(await ask(KEYS.casc, 'What is the warranty on the toaster? [sim:difficulty=0.05] [sim:answer=2]'));
    expect(first).toMatchObject({ cache: 'miss', routingPolicy: 'cascade' });
    const hitId = await ask(KEYS.casc, 'What is the warranty on the toaster? [sim:difficulty=0.05] [sim:answer=2]');
    const hit = await row(hitId);
    expect(hit).toMatchObject({ cache: 'hit', costMicros: 0, routingPolicy: 'cache', routingReason: 'exact cache hit: answer stored from small', savedByCacheMicros: first.costMicros });
    expect(hit.savedByCacheMicros).toBeGreaterThan(0);
    // The stored answer came from the cheap model: routing saved the rest of the requested model's price.
    expect(hit.savedByRoutingMicros).toBe(first.savedByRoutingMicros);
    expect(hit.savedByCacheMicros! + hit.savedByRoutingMicros!).toBe(atLarge(hit));
  });
});

describe('where the decisions show', () => {
  it('/api/usage totals and its export rows carry policies, reasons and savings', async () => {
    await d.services.recorder.flush();
    const rows = await d.services.store.usage.list({ tenant: 'acme' });
    const sum = (f: (u: UsageRecord) => number) => rows.reduce((a, u) => a + f(u), 0);
    const r = await admin<{ groups: Record<string, unknown>[]; totals: Record<string, number> }>('/api/usage?group_by=agent');
    expect(r.totals).toMatchObject({
      cache_hits: rows.filter((u) => u.cache === 'hit').length,
      saved_by_cache_usd: sum((u) => u.savedByCacheMicros ?? 0) / 1e6,
      routed: rows.filter((u) => ['cascade', 'router', 'budget'].includes(u.routingPolicy ?? '')).length,
      saved_by_routing_usd: sum((u) => u.savedByRoutingMicros ?? 0) / 1e6,
    });
    expect(r.totals.cache_hits).toBeGreaterThan(0);
    expect(r.groups.find((g) => g.agent === 'thrifty')).toMatchObject({ routed: 1 });

    const exported = await admin<Record<string, unknown>[]>('/api/usage/export?format=json');
    const hit = exported.find((x) => x.routing_policy === 'cache')!;
    expect(hit).toMatchObject({ cache: 'hit', cost_usd: 0, routing_reason: 'exact cache hit: answer stored from small' });
    expect(hit.saved_by_cache_usd).toBeGreaterThan(0);
    expect(exported.find((x) => x.routing_policy === 'budget')).toMatchObject({ agent: 'thrifty', model: 'small' });
    const csv = await (await fetch(`${d.url}/api/usage/export?format=csv`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).text();
    expect(csv.split('\n')[0]).toContain('routing_policy,routing_reason,saved_by_cache_usd,saved_by_routing_usd');
    expect(csv).toContain('budget near its limit: downgraded to small (was large)');
  });

  it('the audit record and the request span name the decision', async () => {
    const id = await ask(KEYS.rtr, 'What is the refund policy?', { 'x-daca-tags': 'task=faq', 'x-daca-cache': 'off' });
    const u = await row(id);
    const audit = await admin<{ records: { body: { decision: { action: string; reasons: { source: string; name: string; detail: string }[]; route: { model: string; via?: string[] } } } }[] }>(`/api/audit?request_id=${id}`);
    expect(audit.records).toHaveLength(1);
    const dec = audit.records[0]!.body.decision;
    expect(dec.action).toBe('modified');
    expect(dec.route).toMatchObject({ model: 'small', via: ['router'] });
    expect(dec.reasons).toContainEqual(expect.objectContaining({ source: 'route', name: 'router', detail: u.routingReason }));

    await d.services.tracer.forceFlush();
    const deadline = Date.now() + 5000;
    let span = rx.spans.find((s) => s.attributes['daca.request_id'] === id && s.attributes['daca.routing.policy'] !== undefined);
    while (!span && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      await d.services.tracer.forceFlush();
      span = rx.spans.find((s) => s.attributes['daca.request_id'] === id && s.attributes['daca.routing.policy'] !== undefined);
    }
    expect(span?.attributes).toMatchObject({ 'daca.routing.policy': 'router', 'daca.routing.reason': u.routingReason, 'daca.model': 'small' });
    expect(span!.attributes['daca.saved_by_routing_usd']).toBeCloseTo(u.savedByRoutingMicros! / 1e6, 9);
  });
});
