import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attribution } from '../../identity/principal.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/types.js';
import { BudgetEngine } from './budget-engine.js';
import { raceBudget } from './budget-race.js';
import { BudgetsSchema } from './budget-spec.js';

const E = 40_000; // $0.04 per call
const LIMIT_USD = (50 * E) / 1e6; // allows exactly 50 calls
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});

describe.each([
  { leasing: true, label: 'leased fast path' },
  { leasing: false, label: 'one database reservation per call' },
])('200 concurrent calls against a budget of 50 on SQLite ($label)', ({ leasing }) => {
  it('never spends more than the limit and admits every call that fits', async () => {
    const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'daca-budget-')), 'daca.db'));
    stores.push(store);
    const budgets = BudgetsSchema.parse([
      { scope: 'session', limit_usd: LIMIT_USD },
      { scope: 'agent', limit_usd: 1000, window: 'day' },
    ]);
    const engine = new BudgetEngine({ store, budgets, leasing });
    const a: Attribution = { tenant: 't', team: 'tm', agent: 'ag', session: `race-${leasing}`, tags: {} };
    const r = await raceBudget([engine], a, 200, E);
    await engine.close();
    const [row] = await engine.ledger.list({ scope: 'session' });
    console.log(`[budget race sqlite leasing=${leasing}] accepted=${r.accepted} maxCommitted=$${r.maxCommittedMicros / 1e6} stored spent=$${row!.spentMicros / 1e6} limit=$${LIMIT_USD}`);
    expect(r.accepted + r.rejected).toBe(200);
    expect(r.maxCommittedMicros).toBeLessThanOrEqual(50 * E);
    expect(row!.spentMicros).toBe(r.accepted * E);
    expect(row!.spentMicros).toBeLessThanOrEqual(50 * E);
    expect(row!.reservedMicros).toBe(0);
    // One node: leases never strand budget, so every call that fits is admitted.
    expect(r.accepted).toBe(50);
    const [agentRow] = await engine.ledger.list({ scope: 'agent' });
    expect(agentRow!.spentMicros).toBe(r.accepted * E);
  });
});
