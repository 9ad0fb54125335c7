/**
 * Agent analytics, overview and sessions through the real HTTP server (sim provider, SQLite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type TestFleet } from '../../telemetry/analytics/test-fleet.js';
import { quantileLinear } from '../../util/quantiles.js';

let f: TestFleet;

beforeAll(async () => {
  f = await startFleet();
  for (const s of ['s1', 's2']) for (let i = 0; i < 3; i++) expect((await f.chat('a1', `a1-${s}`, 40)).status).toBe(200);
  expect((await f.chat('a2', 'a2-s1', 80)).status).toBe(200);
  expect((await f.chat('a2', null, 80)).status).toBe(200);
  expect((await f.chat('a2', 'a2-s1', 10, '[sim:fail=500]')).status).toBeGreaterThanOrEqual(500);
  expect((await f.chat('ghost', null, 5)).status).toBe(200); // not declared in the spec
});
afterAll(() => f?.close());

interface AgentRow extends Record<string, unknown> {
  agent: string;
  requests: number;
  errors: number;
  cost_micros: number;
  input_tokens: number;
  output_tokens: number;
}

describe('/api/agents', () => {
  it('lists declared and seen agents with analytics matching /api/usage', async () => {
    const { status, body } = await f.api<{ data: AgentRow[]; peer_groups: Record<string, unknown>[]; truncated: boolean }>('/api/agents');
    expect(status).toBe(200);
    expect(body.truncated).toBe(false);
    const by = new Map(body.data.map((a) => [a.agent, a]));
    expect([...by.keys()].sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'ghost']);
    const usage = await f.api<{ groups: { agent: string; requests: number; cost_micros: number; errors: number }[] }>('/api/usage?group_by=agent');
    for (const g of usage.body.groups) expect(by.get(g.agent)).toMatchObject({ requests: g.requests, cost_micros: g.cost_micros, errors: g.errors });

    const a1 = by.get('a1')!;
    expect(a1).toMatchObject({ team: 'fleet', tenant: 'acme', role: 'support', declared: true, peer_group: 'support', requests: 6, errors: 0, error_rate: 0, sessions: 2, finish_reasons: { stop: 6 }, refusals: 0, feedback: { count: 0, avg_score: null, positive_rate: null }, anomalies: [] });
    expect(a1.tokens_per_call).toBeCloseTo((a1.input_tokens + a1.output_tokens) / 6, 1);
    expect(a1.tokens_per_session).toBeCloseTo((a1.input_tokens + a1.output_tokens) / 2, 1);
    expect(a1.cost_per_day_usd).toBeCloseTo(a1.cost_micros / 1e6, 9); // the default window is one day

    const rows = await f.daca.services.store.usage.list({ agent: 'a1' });
    expect(a1.latency_p50_ms).toBeCloseTo(quantileLinear(rows.map((r) => r.latencyMs), 0.5)!, 1);
    expect(a1.latency_p95_ms).toBeCloseTo(quantileLinear(rows.map((r) => r.latencyMs), 0.95)!, 1);
    expect(a1.ttft_p95_ms).not.toBeNull();

    const a2 = by.get('a2')!;
    expect(a2).toMatchObject({ requests: 3, errors: 1, error_rate: 0.3333, sessions: 1 });
    expect(by.get('a3')).toMatchObject({ requests: 0, declared: true, latency_p95_ms: null, tokens_per_session: null });
    expect(by.get('ghost')).toMatchObject({ declared: false, role: 'fleet', peer_group: 'fleet' });
    expect(body.peer_groups.map((g) => g.group)).toEqual(['fleet', 'support']);
    const team = await f.api<{ peer_groups: { group: string; agents: number }[] }>('/api/agents?group=team');
    expect(team.body.peer_groups).toEqual([expect.objectContaining({ group: 'fleet', agents: 3 })]);
  });

  it('shows one agent with a series and its latest sessions', async () => {
    const { status, body } = await f.api<AgentRow & { series: { ts: number; requests: number }[]; recent_sessions: { session: string; requests: number }[] }>('/api/agents/a1?from=-1h&bucket=1m');
    expect(status).toBe(200);
    expect(body).toMatchObject({ agent: 'a1', requests: 6, team: 'fleet' });
    expect(body.series.length).toBeGreaterThanOrEqual(60);
    expect(body.series.reduce((s, p) => s + p.requests, 0)).toBe(6);
    expect(body.recent_sessions.map((s) => [s.session, s.requests]).sort()).toEqual([['a1-s1', 3], ['a1-s2', 3]]);
    expect((await f.api('/api/agents/nobody')).status).toBe(404);
    expect((await f.api('/api/agents/a1?bucket=7m')).status).toBe(400);
    expect((await f.api('/api/agents?group=planet')).status).toBe(400);
  });
});

describe('/api/overview', () => {
  it('totals and series agree with /api/usage', async () => {
    const { body } = await f.api<{ totals: Record<string, number>; series: { requests: number; cost_micros: number }[]; top_agents: { agent: string }[] }>('/api/overview?from=-2h&bucket=5m');
    const usage = await f.api<{ totals: Record<string, number> }>('/api/usage?from=-2h');
    expect(body.totals).toMatchObject({ requests: usage.body.totals.requests, errors: usage.body.totals.errors, cost_micros: usage.body.totals.cost_micros, agents: 3 });
    expect(body.totals.latency_p95_ms).toBeGreaterThanOrEqual(body.totals.latency_p50_ms!);
    expect(body.series.length).toBeGreaterThanOrEqual(24); // buckets are UTC-aligned: 24 or 25 for an unaligned window
    expect(body.series.length).toBeLessThanOrEqual(25);
    expect(body.series.reduce((s, p) => s + p.requests, 0)).toBe(usage.body.totals.requests);
    expect(body.series.reduce((s, p) => s + p.cost_micros, 0)).toBe(usage.body.totals.cost_micros);
    expect(body.top_agents[0]!.agent).toBe('a1');
  });

  it('needs an admin key', async () => {
    expect((await fetch(`${f.url}/api/overview`)).status).toBe(401);
    expect((await fetch(`${f.url}/api/overview`, { headers: { authorization: `Bearer ${f.key}` } })).status).toBe(403);
  });
});

describe('/api/sessions', () => {
  it('lists sessions with totals and shows a timeline', async () => {
    const list = await f.api<{ data: { session: string; agent: string; requests: number; errors: number }[] }>('/api/sessions');
    expect(list.body.data.map((s) => s.session).sort()).toEqual(['a1-a1-s1', 'a1-a1-s2', 'a2-a2-s1'].map((s) => s.slice(3)));
    expect(list.body.data.find((s) => s.session === 'a2-s1')).toMatchObject({ agent: 'a2', requests: 2, errors: 1 });
    const one = await f.api<{ data: unknown[] }>('/api/sessions?agent=a1&limit=1');
    expect(one.body.data).toHaveLength(1);
    const t = await f.api<{ session: { requests: number }; timeline: { ts: string; status: number; agent: string; finish_reason: string | null }[] }>('/api/sessions/a2-s1');
    expect(t.status).toBe(200);
    expect(t.body.session.requests).toBe(2);
    expect(t.body.timeline.map((e) => e.status >= 400)).toEqual([false, true]);
    expect(Date.parse(t.body.timeline[0]!.ts)).toBeLessThanOrEqual(Date.parse(t.body.timeline[1]!.ts));
    expect((await f.api('/api/sessions/nope')).status).toBe(404);
  });
});
