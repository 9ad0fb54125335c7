/**
 * Hard budgets under concurrency on one `daca up` with the embedded SQLite store: 200 SDK calls at
 * once against a budget that allows 50 never spend more than the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DacaProcess } from '../support/daca-process.js';
import { BUDGET_SPEC, budgetBurst, CALL_MICROS, LIMIT_USD, reportBurst } from './budget-burst.js';
import { startNodes, stopNodes, writeSpec } from './fleet.js';

let nodes: DacaProcess[] = [];

beforeAll(async () => {
  nodes = await startNodes(1, writeSpec(BUDGET_SPEC));
});
afterAll(() => stopNodes(nodes));

describe('budgets on SQLite (one daca up)', () => {
  it('200 concurrent calls against a $50 budget: exactly 50 pass, the rest are 402 naming the limit, spend never exceeds it', async () => {
    const r = await budgetBurst(nodes);
    reportBurst('sqlite, 1 node', r);
    expect(r.maxObservedMicros).toBeLessThanOrEqual(LIMIT_USD * 1e6);
    expect(r.spentMicros).toBeLessThanOrEqual(LIMIT_USD * 1e6);
    expect(r.headerMicros).toBeLessThanOrEqual(LIMIT_USD * 1e6);
    // Estimates equal costs, so the whole budget is used and nothing more.
    expect(r.ok).toBe(LIMIT_USD);
    expect(r.spentMicros).toBe(r.ok * CALL_MICROS);
    expect(r.headerMicros).toBe(r.spentMicros);
  });
});
