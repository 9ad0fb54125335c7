import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../metering/usage-record.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/types.js';
import { FeedbackRepo } from '../../telemetry/feedback/feedback-repo.js';
import { costReport } from './cost-report.js';

const PRICES: Record<string, { input: number; output: number }> = { 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-mini': { input: 0.15, output: 0.6 } };
const pricing = { resolve: (n: string) => (n === 'best' ? 'gpt-4o' : n), priceOf: (m: string) => PRICES[m] };

function row(id: string, over: Partial<UsageRecord>): UsageRecord {
  return {
    id, ts: Date.UTC(2026, 0, 10), tenant: 'acme', team: 'care', agent: 'support', keyId: 'k', session: null, tags: { customer: 'globex' }, route: 'chat',
    requestedModel: 'gpt-4o', model: 'gpt-4o', provider: 'sim', upstreamModel: 'gpt-4o', stream: false, status: 200, errorCode: null,
    inputTokens: 1000, outputTokens: 100, cachedTokens: 0, estimated: false, ttftMs: 10, latencyMs: 20, upstreamMs: 15, overheadMs: 5,
    costMicros: 3500, finishReason: 'stop', cache: 'miss', ...over,
  };
}

let store: Store;
beforeAll(async () => {
  store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'daca-cost-report-')) });
  await store.migrate();
  await store.usage.insertBatch([
    row('r1', {}),
    row('r2', {}),
    row('r3', { cache: 'hit', costMicros: 0 }), // served from the cache: saves 3,500 µ$
    row('r4', { requestedModel: 'best', model: 'gpt-4o-mini', costMicros: 210 }), // routed: saves 3,500 − 210
    row('r5', { status: 502, errorCode: 'upstream_error', inputTokens: 0, outputTokens: 0, costMicros: 0 }),
    row('r6', { agent: 'sales', team: 'sales', tags: { customer: 'initech' }, ts: Date.UTC(2026, 0, 11) }),
    row('r7', { agent: 'ops', team: 'ops', tags: {}, ts: Date.UTC(2026, 0, 13) }),
    // Rows with the routing the gateway recorded: the recorded savings are used as they are.
    row('n1', { agent: 'triage', team: 'ops', ts: Date.UTC(2026, 1, 2), model: 'gpt-4o-mini', costMicros: 210, routingPolicy: 'router', routingReason: 'router rule 1 (task=faq) → gpt-4o-mini', savedByRoutingMicros: 3290 }),
    // A cascade that escalated: answered by the requested model, yet paid the cheap attempt too.
    row('n2', { agent: 'triage', team: 'ops', ts: Date.UTC(2026, 1, 3), costMicros: 3800, routingPolicy: 'cascade', routingReason: 'cascade: start at gpt-4o-mini; escalated gpt-4o-mini (rejected) → gpt-4o', savedByRoutingMicros: -300 }),
    row('n3', { agent: 'triage', team: 'ops', ts: Date.UTC(2026, 1, 3), cache: 'hit', costMicros: 0, routingPolicy: 'cache', routingReason: 'exact cache hit: answer stored from gpt-4o-mini', savedByCacheMicros: 210 }),
    row('n4', { agent: 'triage', team: 'ops', ts: Date.UTC(2026, 1, 4), costMicros: 3500, routingPolicy: 'none', routingReason: 'requested model' }),
  ]);
  const fb = new FeedbackRepo(store);
  for (const [id, req, score] of [['f1', 'r1', 1], ['f2', 'r2', -1], ['f3', 'r6', 1]] as const)
    await fb.insert({ id, ts: Date.UTC(2026, 0, 12), requestId: req, session: null, tenant: 'acme', team: 'care', agent: 'support', score, label: null, comment: null });
});
afterAll(() => store?.close());

describe('costReport', () => {
  it('per agent: cost, saved by cache and by routing, success and cost per successful task', async () => {
    const r = await costReport(store, { groupBy: ['agent'] }, pricing);
    const support = r.groups.find((g) => g.key.agent === 'support')!;
    expect(support).toMatchObject({ requests: 5, errors: 1, costMicros: 3500 * 2 + 210, cacheHits: 1, savedByCacheMicros: 3500, routed: 1, savedByRoutingMicros: 3500 - 210, rated: 2, positive: 1, successRate: 0.5, successSource: 'feedback' });
    expect(support.successfulTasks).toBe(2); // 4 answered × 50 %
    expect(support.costPerSuccessMicros).toBe((3500 * 2 + 210) / 2);
    expect(r.totals).toMatchObject({ requests: 11, cacheHits: 2, rated: 3, positive: 2 });
  });

  it('per business entity (tag) and per day; eval success when there is no feedback', async () => {
    const byTag = await costReport(store, { groupBy: ['tag:customer', 'day'] }, pricing);
    expect(byTag.groups.filter((g) => g.key.day! < '2026-02').map((g) => [g.key['tag:customer'], g.key.day, g.requests]).sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['globex', '2026-01-10', 5],
      ['initech', '2026-01-11', 1],
      [null, '2026-01-13', 1],
    ]);
    const evalOnly = await costReport(store, { groupBy: ['agent'] }, pricing, { evalSuccess: new Map([['ops', 0.9], ['support', 0.1]]) });
    const ops = evalOnly.groups.find((g) => g.key.agent === 'ops')!;
    expect(ops).toMatchObject({ successRate: 0.9, successSource: 'eval', successfulTasks: 0.9 });
    expect(evalOnly.groups.find((g) => g.key.agent === 'support')!.successSource).toBe('feedback'); // feedback wins
    const none = await costReport(store, { groupBy: ['agent'], agent: 'ops' }, pricing);
    expect(none.groups[0]).toMatchObject({ successRate: null, costPerSuccessMicros: null });
  });

  it('per team and month over time, with the savings the gateway recorded (escalations subtract)', async () => {
    const r = await costReport(store, { groupBy: ['team', 'month'] }, pricing);
    const feb = r.groups.find((g) => g.key.team === 'ops' && g.key.month === '2026-02')!;
    expect(feb).toMatchObject({ requests: 4, costMicros: 210 + 3800 + 3500, cacheHits: 1, savedByCacheMicros: 210, routed: 2, savedByRoutingMicros: 3290 - 300 });
    const jan = r.groups.find((g) => g.key.team === 'care' && g.key.month === '2026-01')!;
    expect(jan).toMatchObject({ requests: 5, savedByCacheMicros: 3500, routed: 1, savedByRoutingMicros: 3500 - 210 }); // estimated: rows from before routing was recorded
    expect(r.totals).toMatchObject({ savedByCacheMicros: 3500 + 210, savedByRoutingMicros: 3500 - 210 + 3290 - 300, routed: 3 });
    const byTenant = await costReport(store, { groupBy: ['tenant'] }, pricing);
    expect(byTenant.groups).toHaveLength(1);
    expect(byTenant.groups[0]).toMatchObject({ key: { tenant: 'acme' }, requests: 11, costMicros: r.totals.costMicros });
  });
});
