import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../../errors.js';
import type { Attribution } from '../../identity/principal.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/types.js';
import { BudgetEngine, type BudgetEngineOptions } from './budget-engine.js';
import { BudgetsSchema } from './budget-spec.js';

const who = (over: Partial<Attribution> = {}): Attribution => ({ tenant: 'acme', team: 'support', agent: 'triage', session: 's-1', tags: {}, ...over });
const stores: Store[] = [];
const engines: BudgetEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined);
  for (const s of stores.splice(0)) await s.close();
});

async function engine(budgets: unknown, opts: Partial<BudgetEngineOptions> = {}, store?: Store): Promise<BudgetEngine> {
  const st = store ?? (await openSqliteStore(':memory:'));
  if (!store) stores.push(st);
  const e = new BudgetEngine({ store: st, budgets: BudgetsSchema.parse(budgets), ...opts });
  engines.push(e);
  return e;
}

describe('BudgetEngine', () => {
  it('rejects a call that would exceed a hard limit with a message naming the limit', async () => {
    const b = await engine([{ scope: 'session', limit_usd: 10 }]);
    const r = await b.reserve('k', who(), 9_980_000);
    b.settle(r, 9_980_000);
    const err = await b.reserve('k', who(), 40_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).status).toBe(402);
    expect((err as Error).message).toBe('session s-1 has spent $9.98 of its $10.00 total hard limit; this call is estimated at $0.04.');
    expect((err as BudgetExceededError).details.budget).toMatchObject({ scope: 'session', subject: 's-1', limit_usd: 10, spent_usd: 9.98, estimate_usd: 0.04 });
    // Another session has its own $10.
    await expect(b.reserve('k', who({ session: 's-2' }), 40_000)).resolves.toBeDefined();
    // A call with no session is not limited by a session budget.
    await expect(b.reserve('k', who({ session: null }), 40_000)).resolves.toMatchObject({ amountMicros: 0 });
  });

  it('releases an unsettled estimate and charges overruns on settle', async () => {
    const b = await engine([{ scope: 'agent', limit_usd: 1 }]);
    const r1 = await b.reserve('k', who(), 600_000);
    await expect(b.reserve('k', who(), 600_000)).rejects.toThrow(BudgetExceededError);
    b.release(r1);
    const r2 = await b.reserve('k', who(), 600_000);
    b.settle(r2, 900_000); // cost more than estimated: still charged
    await b.flush();
    const [row] = await b.ledger.list({ scope: 'agent' });
    expect(row).toMatchObject({ subject: 'triage', spentMicros: 900_000 });
    await expect(b.reserve('k', who(), 200_000)).rejects.toThrow('agent triage has spent $0.90 of its $1.00 total hard limit');
  });

  it('applies every matching scope and lets the most specific entry win', async () => {
    const b = await engine([
      { scope: 'agent', limit_usd: 1, window: 'day' },
      { scope: 'agent', agent: 'triage', limit_usd: 5, window: 'day' },
      { scope: 'team', team: 'support', limit_usd: 3, window: 'month' },
    ]);
    await expect(b.reserve('k', who({ agent: 'writer' }), 1_500_000)).rejects.toThrow('agent writer has spent $0.00 of its $1.00 daily hard limit');
    const r = await b.reserve('k', who(), 2_500_000); // triage: $5/day, team: $3/month
    b.settle(r, 2_500_000);
    await expect(b.reserve('k', who(), 1_000_000)).rejects.toThrow(/^team support has spent \$2.50 of its \$3.00 monthly hard limit/);
  });

  it('starts a new day window at UTC midnight (injected clock)', async () => {
    let now = Date.parse('2026-03-05T23:59:00Z');
    const b = await engine([{ scope: 'agent', limit_usd: 1, window: 'day' }], { now: () => now });
    b.settle(await b.reserve('k', who(), 1_000_000), 1_000_000);
    const err = (await b.reserve('k', who(), 1).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('It resets at 2026-03-06T00:00:00.000Z.');
    now = Date.parse('2026-03-06T00:00:01Z');
    b.settle(await b.reserve('k', who(), 1_000_000), 1_000_000);
    await b.flush();
    const rows = await b.ledger.list({ scope: 'agent' });
    expect(rows.map((r) => [new Date(r.windowStart).toISOString(), r.spentMicros])).toEqual([
      ['2026-03-06T00:00:00.000Z', 1_000_000],
      ['2026-03-05T00:00:00.000Z', 1_000_000],
    ]);
  });

  it('rolls month windows over on the first of the month', async () => {
    let now = Date.parse('2026-02-28T12:00:00Z');
    const b = await engine([{ scope: 'team', limit_usd: 2, window: 'month' }], { now: () => now });
    b.settle(await b.reserve('k', who(), 2_000_000), 2_000_000);
    await expect(b.reserve('k', who(), 1)).rejects.toThrow('It resets at 2026-03-01T00:00:00.000Z.');
    now = Date.parse('2026-03-01T00:00:00Z');
    await expect(b.reserve('k', who(), 2_000_000)).resolves.toBeDefined();
  });

  it('frees the lease of a node that never settles once it expires', async () => {
    const store = await openSqliteStore(':memory:');
    stores.push(store);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const opts = { now: () => now, leaseTtlMs: 30_000, leaseMarginMs: 10_000 };
    const crashed = new BudgetEngine({ store, budgets: BudgetsSchema.parse([{ scope: 'agent', limit_usd: 1 }]), ...opts, nodeId: 'a' });
    await crashed.reserve('k', who(), 700_000); // never settled: node "crashes"
    const other = await engine([{ scope: 'agent', limit_usd: 1 }], { ...opts, nodeId: 'b' }, store);
    await expect(other.reserve('k', who(), 700_000)).rejects.toThrow(BudgetExceededError);
    now += 29_000;
    await expect(other.reserve('k', who(), 700_000)).rejects.toThrow(BudgetExceededError);
    now += 2_000; // past the lease's expiry: the next failing reservation sweeps it
    const r = await other.reserve('k', who(), 700_000);
    expect(r.amountMicros).toBe(700_000);
    // The crashed node's lease row is gone and no longer counted as reserved.
    const leases = await sql<{ id: string; amount_micros: number }>`select id, amount_micros from budget_leases`.execute(store.db);
    expect(leases.rows.map((l) => l.id.split('|')[0])).toEqual(['b']);
    expect((await other.ledger.list())[0]!.reservedMicros).toBe(Number(leases.rows[0]!.amount_micros));
  });

  it('reports soft and percentage levels once each', async () => {
    const seen: [string, number, number, string][] = [];
    const b = await engine([{ scope: 'team', limit_usd: 10, soft_usd: 5, window: 'month' }], { onThreshold: (...a) => void seen.push(a) });
    const spend = async (usd: number) => b.settle(await b.reserve('k', who(), usd * 1e6), usd * 1e6);
    await spend(4);
    expect(seen).toEqual([]);
    await spend(2);
    await spend(2.5);
    await spend(0.5);
    await spend(1);
    expect(seen).toEqual([
      ['team:support/month', 6_000_000, 10_000_000, 'soft'],
      ['team:support/month', 8_500_000, 10_000_000, '80%'],
      ['team:support/month', 10_000_000, 10_000_000, '100%'],
    ]);
  });

  it('never rejects on a budget with hard: false', async () => {
    const b = await engine([{ scope: 'tenant', limit_usd: 1, hard: false }]);
    for (let i = 0; i < 3; i++) b.settle(await b.reserve('k', who(), 800_000), 800_000);
    await b.flush();
    expect((await b.ledger.list())[0]).toMatchObject({ subject: 'acme', spentMicros: 2_400_000 });
  });

  it('asks for the declared cheaper model near exhaustion', async () => {
    const b = await engine([{ scope: 'agent', limit_usd: 10, downgrade: { at_percent: 90, to: 'small' } }]);
    const first = await b.reserve('k', who(), 8_000_000);
    expect(first.downgradeTo).toBeNull();
    b.settle(first, 8_000_000);
    expect((await b.reserve('k', who(), 1_000_000)).downgradeTo).toBe('small');
  });

  it('writes spend back and returns leases on close', async () => {
    const store = await openSqliteStore(':memory:');
    stores.push(store);
    const b = new BudgetEngine({ store, budgets: BudgetsSchema.parse([{ scope: 'agent', limit_usd: 100 }]) });
    b.settle(await b.reserve('k', who(), 10_000), 12_345);
    const before = (await b.ledger.list())[0]!;
    expect(before.reservedMicros).toBeGreaterThan(10_000); // a lease: more than the call's estimate
    await b.close();
    expect((await b.ledger.list())[0]).toMatchObject({ spentMicros: 12_345, reservedMicros: 0 });
  });
});
