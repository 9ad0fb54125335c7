import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attribution } from '../../identity/principal.js';
import { openPostgresStore } from '../../store/postgres/postgres-store.js';
import type { Store } from '../../store/types.js';
import { BudgetEngine } from './budget-engine.js';
import { raceBudget, timeCalls } from './budget-race.js';
import { BudgetsSchema } from './budget-spec.js';

/** The test database; this file fails (never skips) when it is unreachable. */
const URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `daca_budget_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const E = 40_000;
const LIMIT_USD = (50 * E) / 1e6;
const stores: Store[] = [];

afterAll(async () => {
  for (const s of stores) await s.close();
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

/** Two "nodes": two stores, i.e. two connection pools, sharing one PostgreSQL schema. */
async function twoNodes(leasing: boolean, budgets: unknown): Promise<[BudgetEngine, BudgetEngine]> {
  const [a, b] = await Promise.all([openPostgresStore(URL, { schema }), openPostgresStore(URL, { schema })]);
  stores.push(a, b);
  const parsed = BudgetsSchema.parse(budgets);
  return [new BudgetEngine({ store: a, budgets: parsed, leasing, nodeId: 'node-a' }), new BudgetEngine({ store: b, budgets: parsed, leasing, nodeId: 'node-b' })];
}

describe.each([
  { leasing: true, label: 'leased fast path' },
  { leasing: false, label: 'one database reservation per call' },
])('200 concurrent calls on two nodes sharing PostgreSQL against a budget of 50 ($label)', ({ leasing }) => {
  it('never spends more than the limit', async () => {
    const nodes = await twoNodes(leasing, [
      { scope: 'session', limit_usd: LIMIT_USD },
      { scope: 'team', limit_usd: 10_000, window: 'month' },
    ]);
    const a: Attribution = { tenant: 't', team: `team-${leasing}`, agent: 'ag', session: `race-pg-${leasing}`, tags: {} };
    const r = await raceBudget(nodes, a, 200, E);
    await Promise.all(nodes.map((n) => n.close()));
    const [row] = await nodes[0].ledger.list({ scope: 'session', subject: a.session! });
    console.log(`[budget race postgres 2 nodes leasing=${leasing}] accepted=${r.accepted} maxCommitted=$${r.maxCommittedMicros / 1e6} stored spent=$${row!.spentMicros / 1e6} limit=$${LIMIT_USD}`);
    expect(r.accepted + r.rejected).toBe(200);
    expect(r.maxCommittedMicros).toBeLessThanOrEqual(50 * E);
    expect(row!.spentMicros).toBe(r.accepted * E);
    expect(row!.spentMicros).toBeLessThanOrEqual(50 * E);
    expect(row!.reservedMicros).toBe(0);
    // Leases a node holds near the end can make the other node refuse a call that would have fit;
    // never more than a handful.
    expect(r.accepted).toBeGreaterThanOrEqual(45);
    const [team] = await nodes[0].ledger.list({ scope: 'team', subject: a.team });
    expect(team!.spentMicros).toBe(r.accepted * E);
  });
});

describe('leases across PostgreSQL nodes', () => {
  it('a lease of a node that stopped is swept by another after it expires', async () => {
    let now = Date.parse('2026-04-01T00:00:00Z');
    const [a, b] = await Promise.all([openPostgresStore(URL, { schema }), openPostgresStore(URL, { schema })]);
    stores.push(a, b);
    const budgets = BudgetsSchema.parse([{ scope: 'agent', agent: 'sweeper', limit_usd: 1 }]);
    const who: Attribution = { tenant: 't', team: 'tm', agent: 'sweeper', session: null, tags: {} };
    const dead = new BudgetEngine({ store: a, budgets, now: () => now, nodeId: 'dead' });
    await dead.reserve('k', who, 900_000);
    const live = new BudgetEngine({ store: b, budgets, now: () => now, nodeId: 'live' });
    await expect(live.reserve('k', who, 500_000)).rejects.toThrow('agent sweeper has spent $0.00 of its $1.00 total hard limit');
    now += 31_000;
    const r = await live.reserve('k', who, 500_000);
    live.settle(r, 500_000);
    await live.close();
    const [row] = await live.ledger.list({ scope: 'agent', subject: 'sweeper' });
    expect(row).toMatchObject({ spentMicros: 500_000, reservedMicros: 0 });
  });
});

describe('budget fast path (PostgreSQL)', () => {
  it('reserves from a leased slice in memory instead of a database round trip per call', async () => {
    const [a, b] = await Promise.all([openPostgresStore(URL, { schema }), openPostgresStore(URL, { schema })]);
    stores.push(a, b);
    const budgets = BudgetsSchema.parse([
      { scope: 'session', limit_usd: 1000 },
      { scope: 'agent', limit_usd: 10_000, window: 'day' },
      { scope: 'team', limit_usd: 100_000, window: 'month' },
      { scope: 'tenant', limit_usd: 1_000_000, window: 'month' },
    ]);
    const leased = new BudgetEngine({ store: a, budgets, nodeId: 'perf-leased' });
    const leasedUs = await timeCalls(leased, 5000);
    await leased.close();
    const direct = new BudgetEngine({ store: b, budgets, leasing: false, nodeId: 'perf-direct' });
    const directUs = await timeCalls(direct, 300);
    await direct.close();
    console.log(`[budget fast path postgres] reserve+settle on 4 budgets: leased ${leasedUs.toFixed(1)} µs/call, database per call ${directUs.toFixed(1)} µs/call (${(directUs / leasedUs).toFixed(0)}x)`);
    expect(leasedUs * 5).toBeLessThan(directUs);
  });
});
