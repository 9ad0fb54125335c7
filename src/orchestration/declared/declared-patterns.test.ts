/**
 * Patterns declared in the spec, end to end on a real node: `daca up` (in process) instantiates
 * them over its runtime; spec prompt agents (sim provider, scripted replies) answer through the
 * gateway; the API and `daca orch` run them. A hierarchy delegates tasks and re-assigns the one a
 * broken worker fails; a Vickrey auction asks three bidders and awards at the second price; a
 * double auction matches orders, keeps its book in the store across a restart of the node, and
 * answers a retried order id with the original outcome; a bad agent name in the section fails
 * validation at its line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import { registerOrch } from '../../cli/orch.js';
import { SpecError } from '../../errors.js';
import type { RunningDaca } from '../../server/serve.js';
import { parseSpecText } from '../../spec/loader.js';

const SPEC = `
version: 1
server: { dev_key: false }
providers:
  sim:
    kind: sim
    scripts:
      - { match: 'bidder team-a', reply: 'I bid 120 dollars for it' }
      - { match: 'bidder team-b', reply: 'My sealed bid: 150' }
      - { match: 'bidder team-c', reply: 'NO BID, we have enough capacity' }
      - { match: '\\[hierarchy desk\\] task', reply: 'done: the report is written' }
      - { match: 'escalation to boss', reply: 'ABANDON, it is not worth it' }
  broken: { kind: sim, failures: { error_5xx: 1 } }
models:
  small: { provider: sim }
  flaky: { provider: broken, retry: { max_retries: 0 } }
tenants: { acme: {} }
teams: { ops: { tenant: acme } }
agents:
  boss: { team: ops, prompt: { model: small, system: You supervise the desk. } }
  w1: { team: ops, prompt: { model: small } }
  w2: { team: ops, prompt: { model: flaky } }
  w3: { team: ops, prompt: { model: small } }
  team-a: { team: ops, prompt: { model: small } }
  team-b: { team: ops, prompt: { model: small } }
  team-c: { team: ops, prompt: { model: small } }
orchestration:
  hierarchies:
    desk:
      supervisor: boss
      leads: { lead-a: [w1, w2], lead-b: [w3] }
      task_timeout_ms: 10000
      max_attempts: 3
  auctions:
    gpu-slot: { kind: vickrey, bidders: [team-a, team-b, team-c], reserve_usd: 10 }
    spot: { kind: double }
`;

let daca: RunningDaca;
const dataDir = mkdtempSync(join(tmpdir(), 'daca-patterns-'));
beforeAll(async () => {
  daca = await startTestDaca(SPEC, { dataDir });
}, 30_000);
afterAll(() => daca?.close());

const api = async <T>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<{ status: number; body: T }> => {
  const r = await fetch(`${daca.url}/api/orchestration/patterns${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as T };
};

async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerOrch(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'daca', 'orch', ...args, '--url', daca.url, '--admin-key', TEST_ADMIN_KEY]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('orchestration patterns declared in the spec', () => {
  it('are listed by the API and the CLI once the node is up', async () => {
    const r = await api<{ data: { kind: string; name: string; agents: string[] }[] }>('');
    expect(r.body.data.map((p) => `${p.kind}:${p.name}`).sort()).toEqual(['auction:gpu-slot', 'auction:spot', 'hierarchy:desk']);
    expect(r.body.data.find((p) => p.name === 'desk')!.agents).toEqual(['boss', 'w1', 'w2', 'w3']);
    expect(await cli('list')).toMatch(/hierarchy\s+desk\s+boss w1 w2 w3/);
  });

  it('a declared hierarchy delegates every task to the spec agents and re-assigns the one a broken worker fails', async () => {
    const out = await cli('run', 'hierarchy', 'desk', '--task', 't1=summarise Q1', '--task', 't2=summarise Q2', '--task', 't3=summarise Q3', '--task', 't4=summarise Q4');
    const r = JSON.parse(out) as { results: Record<string, string>; abandoned: string[]; events: { kind: string; task?: string; worker?: string; detail?: string }[]; byLead: Record<string, number> };
    expect(Object.keys(r.results).sort()).toEqual(['t1', 't2', 't3', 't4']);
    for (const v of Object.values(r.results)) expect(v).toBe('done: the report is written');
    expect(r.abandoned).toEqual([]);
    const failed = r.events.filter((e) => e.kind === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.worker?.startsWith('w2:'))).toBe(true);
    const reassigned = r.events.filter((e) => e.kind === 'reassigned');
    expect(reassigned.length).toBe(failed.length);
    expect(reassigned.every((e) => !e.worker?.startsWith('w2:') && e.detail?.startsWith('from w2:'))).toBe(true);
    expect((r.byLead['lead-a'] ?? 0) + (r.byLead['lead-b'] ?? 0)).toBe(4);
  }, 60_000);

  it('a declared Vickrey auction asks each bidder agent and awards at the second price; the decision is recorded', async () => {
    const r = await api<{ kind: string; winner: string; price: number; ranking: { bidder: string; price: number }[]; abstained: string[]; explanation: string }>('/auctions/gpu-slot/run', { item: 'one GPU hour' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'vickrey', winner: 'team-b', price: 120_000_000, abstained: ['team-c'] });
    expect(r.body.ranking.map((b) => b.bidder)).toEqual(['team-b', 'team-a']);
    const res = await api<{ data: { pattern: string; outcome: string; reasons: string[] }[] }>('/resolutions?pattern=auction');
    expect(res.body.data.at(-1)).toMatchObject({ outcome: 'team-b at 120000000' });
    expect(res.body.data.at(-1)!.reasons.join(' ')).toMatch(/second price/);
    // the calls went through the mesh: one edge per bidder, and the bidders' model calls in their own tenant
    const edges = (await (await fetch(`${daca.url}/api/mesh/edges`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as { edges: { caller: string; callee: string; total: number }[] };
    expect(edges.edges.filter((e) => e.caller === 'auctioneer').map((e) => e.callee).sort()).toEqual(['team-a', 'team-b', 'team-c']);
    await daca.services.recorder.flush();
    expect(new Set((await daca.services.store.usage.list({ agent: 'team-b' })).map((u) => u.tenant))).toEqual(new Set(['acme']));
  }, 60_000);

  it('a declared double auction matches crossing orders from the API and the CLI', async () => {
    expect((await api<{ trades: unknown[] }>('/auctions/spot/orders', { trader: 's1', side: 'ask', price_usd: 10, qty: 5 })).body.trades).toEqual([]);
    const out = await cli('order', 'spot', '--trader', 'b1', '--side', 'bid', '--price', '12', '--qty', '3', '--json');
    expect((JSON.parse(out) as { trades: unknown[] }).trades).toEqual([expect.objectContaining({ buyer: 'b1', seller: 's1', qty: 3, price: 10_000_000 })]);
    const book = await api<{ quote: { ask: number } }>('/auctions/spot');
    expect(book.body.quote.ask).toBe(10_000_000);
    expect((await api('/auctions/gpu-slot/orders', { trader: 'x', side: 'bid', price_usd: 1, qty: 1 })).status).toBe(404);
    expect((await api('/hierarchies/nope/run', { tasks: [{ id: 'a', input: 1 }] })).status).toBe(404);
  });

  it('accepts an external agent of the mesh in a pattern', () => {
    const withExternal = SPEC.replace('bidders: [team-a, team-b, team-c]', 'bidders: [team-a, partner]') + 'mesh:\n  external_agents:\n    partner: { url: "http://127.0.0.1:9/" }\n';
    expect(parseSpecText(withExternal, 'daca.yaml', {}).spec.orchestration?.auctions['gpu-slot']?.bidders).toEqual(['team-a', 'partner']);
  });

  it('a double auction answers a retried order id with the original outcome, refuses other terms under it, cancels and lists trades', async () => {
    const ask = { id: 'ask-9', trader: 's9', side: 'ask', price_usd: 8, qty: 2 };
    const bid = { id: 'bid-9', trader: 'b9', side: 'bid', price_usd: 9, qty: 1 };
    expect(await api('/auctions/spot/orders', ask)).toEqual({ status: 201, body: { id: 'ask-9', trades: [], resting: 2, replayed: false } });
    const first = await api<{ trades: unknown[]; replayed: boolean }>('/auctions/spot/orders', bid);
    expect(first.status).toBe(201);
    const again = await api<{ trades: unknown[]; replayed: boolean }>('/auctions/spot/orders', bid);
    expect(again).toEqual({ status: 200, body: { ...first.body, replayed: true } });
    const other = await api<{ error: { message: string } }>('/auctions/spot/orders', { ...bid, qty: 2 });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/order id 'bid-9' was already used in double auction 'spot'/);
    expect((await api('/auctions/spot/orders', { ...bid, id: 'bid-10', qty: 0 })).status).toBe(400);
    expect(await api('/auctions/spot/orders/ask-9', undefined, 'DELETE')).toEqual({ status: 200, body: { id: 'ask-9', withdrawn: 1, replayed: false } });
    expect((await api('/auctions/spot/orders/nope', undefined, 'DELETE')).status).toBe(404);
    const trades = await api<{ data: { bidId: string; qty: number; at: number }[] }>('/auctions/spot/trades?limit=1');
    expect(trades.body.data).toEqual([expect.objectContaining({ bidId: 'bid-9', qty: 1, at: expect.any(Number) })]);
    expect((await api('/auctions/spot/trades?limit=0')).status).toBe(400);
    const replayed = JSON.parse(await cli('order', 'spot', '--id', 'bid-9', '--trader', 'b9', '--side', 'bid', '--price', '9', '--qty', '1', '--json')) as { replayed: boolean };
    expect(replayed).toEqual({ ...first.body, replayed: true });
    expect((JSON.parse(await cli('trades', 'spot', '--limit', '1', '--json')) as { data: unknown[] }).data).toEqual(trades.body.data);
    expect(await cli('cancel', 'spot', 'ask-9')).toMatch(/ask-9\s+1/);
  });

  it('rejects an undeclared agent in the section at its file and line', () => {
    const bad = SPEC.replace('leads: { lead-a: [w1, w2], lead-b: [w3] }', 'leads: { lead-a: [w1, w9], lead-b: [w3] }');
    let err: unknown;
    try {
      parseSpecText(bad, 'daca.yaml', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    const line = bad.split('\n').findIndex((l) => l.includes('w9')) + 1;
    expect((err as SpecError).message).toMatch(new RegExp(`daca\\.yaml:${line}:\\d+.*orchestration\\.hierarchies\\.desk\\.leads\\.lead-a\\[1\\].*unknown agent 'w9'`));
    const badKind = SPEC.replace('kind: vickrey', 'kind: dutch');
    expect(() => parseSpecText(badKind, 'daca.yaml', {})).toThrow(/orchestration\.auctions\.gpu-slot\.kind/);
  });

  it('follows a live apply: a section changed by the apply is rebuilt, an unchanged one keeps its book', async () => {
    const apply = async (yaml: string): Promise<number> =>
      (await fetch(`${daca.url}/api/spec-ops/apply`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ yaml }) })).status;
    const names = async (): Promise<string[]> => (await api<{ data: { kind: string; name: string }[] }>('')).body.data.map((p) => `${p.kind}:${p.name}`).sort();
    // A change elsewhere in the spec keeps the patterns (the resting ask from the previous test is still in the book).
    expect(await apply(SPEC.replace('tenants: { acme: {} }', 'tenants: { acme: {}, other: {} }'))).toBe(200);
    expect((await api<{ quote: { ask: number | null } }>('/auctions/spot')).body.quote.ask).toBe(10_000_000);
    // Adding a vote rebuilds them from the new section.
    expect(await apply(SPEC + '  votes:\n    release: { voters: [team-a, team-b, team-c], options: [ship, wait] }\n')).toBe(200);
    expect(await names()).toEqual(['auction:gpu-slot', 'auction:spot', 'hierarchy:desk', 'vote:release']);
    // The rebuilt patterns read the book from the store.
    expect((await api<{ quote: { ask: number | null } }>('/auctions/spot')).body.quote.ask).toBe(10_000_000);
  }, 60_000);

  it('a double auction keeps its resting orders and trades across a restart of the node', async () => {
    const before = await api<{ book: unknown; trades: unknown[] }>('/auctions/spot');
    await daca.close();
    daca = await startTestDaca(SPEC, { dataDir });
    const after = await api<{ book: unknown; trades: unknown[] }>('/auctions/spot');
    expect(after.body).toEqual(before.body);
    expect(after.body.trades).toHaveLength(2);
    const r = await api<{ trades: { askId: string; qty: number }[] }>('/auctions/spot/orders', { trader: 'b2', side: 'bid', price_usd: 10, qty: 2 });
    expect(r.body.trades).toEqual([expect.objectContaining({ askId: expect.any(String), qty: 2, price: 10_000_000 })]);
  }, 60_000);
});
