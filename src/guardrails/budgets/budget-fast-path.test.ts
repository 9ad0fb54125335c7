import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/types.js';
import { BudgetEngine } from './budget-engine.js';
import { timeCalls } from './budget-race.js';
import { BudgetsSchema } from './budget-spec.js';

const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});

const BUDGETS = BudgetsSchema.parse([
  { scope: 'session', limit_usd: 1000 },
  { scope: 'agent', limit_usd: 10_000, window: 'day' },
  { scope: 'team', limit_usd: 100_000, window: 'month' },
  { scope: 'tenant', limit_usd: 1_000_000, window: 'month' },
]);

describe('budget fast path (SQLite file)', () => {
  it('reserves from a leased slice in memory instead of a database transaction per call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daca-budget-perf-'));
    const [s1, s2] = [await openSqliteStore(join(dir, 'a.db')), await openSqliteStore(join(dir, 'b.db'))];
    stores.push(s1, s2);
    const leased = new BudgetEngine({ store: s1, budgets: BUDGETS });
    const direct = new BudgetEngine({ store: s2, budgets: BUDGETS, leasing: false });
    const leasedUs = await timeCalls(leased, 5000);
    const directUs = await timeCalls(direct, 500);
    await Promise.all([leased.close(), direct.close()]);
    console.log(`[budget fast path sqlite] reserve+settle on 4 budgets: leased ${leasedUs.toFixed(1)} µs/call, database per call ${directUs.toFixed(1)} µs/call (${(directUs / leasedUs).toFixed(0)}x)`);
    expect(leasedUs * 5).toBeLessThan(directUs);
    const [row] = await leased.ledger.list({ scope: 'tenant' });
    expect(row!.spentMicros).toBe(5200 * 900 + 200 * 100); // every call's actual cost, written back
  });
});
