/**
 * examples/patterns/daca.yaml on a node: every declared pattern runs through the API with the
 * spec's prompt agents answering (negotiation, contract with obligations, vote, arbitration,
 * pub/sub topic with the declared provider's capacity).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import type { RunningDaca } from '../../server/serve.js';

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(readFileSync(new URL('../../../examples/patterns/daca.yaml', import.meta.url), 'utf8'));
}, 30_000);
afterAll(() => daca?.close());

const post = async <T>(path: string, body: unknown): Promise<T> => {
  const r = await fetch(`${daca.url}/api/orchestration/patterns${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return (await r.json()) as T;
};

describe('examples/patterns/daca.yaml', () => {
  it('declares every pattern', async () => {
    const r = await fetch(`${daca.url}/api/orchestration/patterns`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const kinds = ((await r.json()) as { data: { kind: string }[] }).data.map((p) => p.kind);
    expect(new Set(kinds)).toEqual(new Set(['hierarchy', 'negotiation', 'topic', 'contract', 'auction', 'vote', 'arbitration']));
  });

  it('a multilateral negotiation ends in an agreement inside both parties\' bounds', async () => {
    const o = await post<{ agreed: boolean; price: number; seller: string; moves: { by: string; price: number | null }[] }>('/negotiations/procurement/run', {});
    expect(o.agreed).toBe(true);
    expect(o.price).toBeGreaterThanOrEqual(90_000_000);
    expect(o.price).toBeLessThanOrEqual(100_000_000);
    for (const m of o.moves.filter((x) => x.by.startsWith('purchaser') && x.price !== null)) expect(m.price!).toBeLessThanOrEqual(100_000_000);
  }, 60_000);

  it('a contract is awarded to the cheapest bid and stored with its obligations, fulfilled on time', async () => {
    const o = await post<{ bids: { contractor: string; price: number }[]; contract: { contractor: string; status: string; terms: { price: number; obligations: string[] } } }>('/contracts/translation/run', { task: 'manual', input: 'translate the manual' });
    expect(o.bids.map((b) => b.price).sort()).toEqual([40_000_000, 55_000_000]);
    expect(o.contract).toMatchObject({ status: 'fulfilled', terms: { price: 40_000_000, obligations: ['deliver the translated text'] } });
    expect(o.contract.contractor).toMatch(/^tr-1:/);
  }, 60_000);

  it('a ranked-choice vote and an arbitration are decided from the agents\' words', async () => {
    const v = await post<{ winner: string; method: string }>('/votes/release/run', { question: 'ship 2.0 today?' });
    expect(v).toMatchObject({ winner: 'ship', method: 'ranked-choice' });
    const a = await post<{ outcome: string; pattern: string }>('/arbitration/refunds/run', { dispute: { id: 'd1', parties: [{ name: 'alice', claim: 'refund' }, { name: 'shop', claim: 'no refund' }], facts: ['parcel damaged'] } });
    expect(a).toMatchObject({ pattern: 'arbitration', outcome: 'alice' });
  }, 60_000);

  it('a topic shares the declared provider\'s capacity among needs', async () => {
    await post('/topics/render/needs', { id: 'n1', agent: 'w1', qty: 3 });
    await post('/topics/render/needs', { id: 'n2', agent: 'w2', qty: 3 });
    let t: { capacity_left: number; matches: { need: string; qty: number }[] } = { capacity_left: -1, matches: [] };
    for (let i = 0; i < 100 && t.matches.length < 2; i++) {
      t = (await (await fetch(`${daca.url}/api/orchestration/patterns/topics/render`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as typeof t;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(t.matches.map((m) => `${m.need}:${m.qty}`).sort()).toEqual(['n1:3', 'n2:3']);
    expect(t.capacity_left).toBe(2);
  }, 60_000);
});
