/**
 * Hard budgets across nodes: two `daca up` processes sharing PostgreSQL take 200 concurrent SDK
 * calls (100 each) against a budget that allows 50; together they never spend more than the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DacaProcess } from '../support/daca-process.js';
import { BUDGET_SPEC, budgetBurst, CALL_MICROS, LIMIT_USD, reportBurst } from './budget-burst.js';
import { dropSchema, pgUrl, runId, startNodes, stopNodes, writeSpec } from './fleet.js';

const schema = runId('guard_budgets');
let nodes: DacaProcess[] = [];

beforeAll(async () => {
  const spec = writeSpec(BUDGET_SPEC);
  // The first node creates the schema and migrates; the second joins it.
  nodes = await startNodes(1, spec, { DACA_DATABASE_URL: pgUrl(schema) });
  nodes.push(...(await startNodes(1, spec, { DACA_DATABASE_URL: pgUrl(schema) })));
});
afterAll(async () => {
  await stopNodes(nodes);
  await dropSchema(schema);
});

describe('budgets on PostgreSQL (two daca up processes)', () => {
  it('200 concurrent calls over two nodes against a $50 budget never spend more than $50', async () => {
    const r = await budgetBurst(nodes);
    reportBurst('postgres, 2 nodes', r);
    expect(r.maxObservedMicros).toBeLessThanOrEqual(LIMIT_USD * 1e6);
    expect(r.spentMicros).toBeLessThanOrEqual(LIMIT_USD * 1e6);
    expect(r.headerMicros).toBeLessThanOrEqual(LIMIT_USD * 1e6);
    expect(r.spentMicros).toBe(r.ok * CALL_MICROS);
    expect(r.headerMicros).toBe(r.spentMicros);
    // Both nodes served calls, and the budget was (nearly) used up: the limit is what stopped them.
    for (const [i] of nodes.entries()) expect(r.outcomes.filter((o, j) => j % nodes.length === i && o.status === 200).length).toBeGreaterThan(0);
    expect(r.ok).toBeGreaterThanOrEqual(LIMIT_USD - 5);
  });
});
