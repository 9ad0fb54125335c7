/**
 * A synthetic fleet through the real gateway (sim provider, real HTTP): eight agents of one
 * role; one uses ~3.5x the tokens per session of its peers. Detection flags it, and only it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type TestFleet } from '../analytics/test-fleet.js';
import type { Anomaly } from './types.js';

let f: TestFleet;

beforeAll(async () => {
  f = await startFleet();
  const calls: Promise<Response>[] = [];
  for (let i = 1; i <= 8; i++) {
    const tokens = i === 5 ? 400 : 90 + i * 5; // a5 is the hog; peers 95..130
    for (let s = 0; s < 4; s++) for (let c = 0; c < 2; c++) calls.push(f.chat(`a${i}`, `a${i}-s${s}`, tokens));
  }
  for (const r of await Promise.all(calls)) expect(r.status).toBe(200);
});
afterAll(() => f?.close());

describe('anomaly detection on a fleet', () => {
  it('flags the agent with ~3x the tokens per session, with evidence, and no peer', async () => {
    const active = await f.daca.services.observability.anomalies.tick();
    const flagged = new Set(active.map((a) => a.agent));
    expect([...flagged]).toEqual(['a5']);
    const tps = active.find((a) => a.metric === 'tokens_per_session')!;
    expect(tps.rule).toBe('tokens_per_session ratio >= 3');
    expect(tps.ratio!).toBeGreaterThan(3);
    expect(tps.peer_group).toBe('support');
    expect(tps.evidence.peers.map((p) => p.agent).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a6', 'a7', 'a8']);
    expect(tps.evidence.samples).toBe(4);
    expect(tps.value).toBeCloseTo(tps.peer_median * tps.ratio!, 0);
  });

  it('is served by /api/anomalies and flags the agent in /api/agents', async () => {
    const list = await f.api<{ data: Anomaly[] }>('/api/anomalies');
    expect(list.status).toBe(200);
    expect(new Set(list.body.data.map((a) => a.agent))).toEqual(new Set(['a5']));
    const agents = await f.api<{ data: { agent: string; anomalies: Anomaly[] }[]; peer_groups: { group: string; agents: number }[] }>('/api/agents');
    for (const a of agents.body.data) expect(a.anomalies.length > 0).toBe(a.agent === 'a5');
    expect(agents.body.peer_groups).toEqual([expect.objectContaining({ group: 'support', agents: 8 })]);
  });

  it('keeps one anomaly per agent and metric across runs', async () => {
    const before = (await f.api<{ data: Anomaly[] }>('/api/anomalies')).body.data.length;
    await f.daca.services.observability.anomalies.tick();
    const after = (await f.api<{ data: Anomaly[] }>('/api/anomalies')).body.data;
    expect(after.length).toBe(before);
    expect(after.every((a) => a.active)).toBe(true);
  });
});
