import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import { MARKET_SPEC_YAML } from '../../orchestration/marketplace/market-spec.js';
import type { RunningDaca } from '../serve.js';

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(MARKET_SPEC_YAML);
});
afterAll(() => daca.close());

const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
  const r = await fetch(`${daca.url}/api/orchestration${path}`, { ...init, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' } });
  return { status: r.status, body: (await r.json()) as T };
};

describe('/api/orchestration', () => {
  it('starts a market on the node, serves it live (the node keeps answering), and shows one deal through its negotiation', async () => {
    const started = await api<{ id: string; running: boolean }>('/markets', { method: 'POST', body: JSON.stringify({ buyers: 40, sellers: 20, mediators: 4 }) });
    expect(started.status).toBe(202);
    const id = started.body.id;
    expect((await api<{ error: { code: string } }>('/markets', { method: 'POST', body: JSON.stringify({}) })).body.error.code).toBe('conflict');
    let m: { running: boolean; deals: number; series: unknown[]; live: Record<string, number>; figures: { invariant_violations: number } | null } | null = null;
    let polls = 0;
    for (;;) {
      m = (await api<typeof m>(`/markets/${id}`)).body;
      polls++;
      if (!m!.running) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(polls).toBeGreaterThan(1); // the API answered while the market ran
    expect(m!.deals).toBeGreaterThan(50);
    expect(m!.figures?.invariant_violations).toBe(0);
    expect(m!.series.length).toBeGreaterThan(10);
    expect(m!.live.seller).toBe(20);
    const deals = await api<{ data: { deal: string }[] }>(`/markets/${id}/deals?limit=5`);
    expect(deals.body.data).toHaveLength(5);
    const h = await api<{ history: { kind: string; by: string }[] }>(`/markets/${id}/deals/${deals.body.data[0]!.deal}`);
    const kinds = h.body.history.map((e) => e.kind);
    expect(kinds[0]).toBe('posted');
    expect(kinds).toContain('offer');
    expect(kinds.at(-1)).toBe('settled');
    expect((await api<{ data: { id: string }[] }>('/markets')).body.data.map((x) => x.id)).toContain(id);
    expect((await api('/markets/nope')).status).toBe(404);
  }, 60_000);
});
