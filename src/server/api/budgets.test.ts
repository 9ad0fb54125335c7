/**
 * `/api/budgets` through the real HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import { budgetsOf } from '../../guardrails/budgets/node-budgets.js';
import type { Attribution } from '../../identity/principal.js';
import type { RunningDaca } from '../serve.js';

const SPEC = `
budgets:
  - { scope: agent, agent: triage, limit_usd: 100, window: day, soft_usd: 50 }
  - { scope: session, limit_usd: 10 }
rate_limits:
  - { scope: agent, rpm: 60, tpm: 10000 }
`;
let d: RunningDaca;
const who: Attribution = { tenant: 'default', team: 'default', agent: 'triage', session: 's-1', tags: {} };

async function api<T = Record<string, unknown>>(path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${d.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? TEST_ADMIN_KEY}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  d = await startTestDaca(SPEC);
});
afterAll(() => d?.close());

describe('/api/budgets', () => {
  it('lists the spec budgets and current counters', async () => {
    const budgets = budgetsOf(d.services);
    budgets.settle(await budgets.reserve('key_x', who, 2_500_000), 2_000_000);
    const r = await api<{ budgets: unknown[]; data: Record<string, unknown>[] }>('/api/budgets?scope=agent');
    expect(r.status).toBe(200);
    expect(r.body.budgets).toEqual([
      expect.objectContaining({ scope: 'agent', agent: 'triage', limit_usd: 100, window: 'day', hard: true, levels: [{ level: 'soft', usd: 50 }, { level: '80%', usd: 80 }, { level: '100%', usd: 100 }] }),
      expect.objectContaining({ scope: 'session', limit_usd: 10, window: 'total' }),
    ]);
    expect(r.body.data).toEqual([expect.objectContaining({ scope: 'agent', subject: 'triage', window: 'day', spent_usd: 2, limit_usd: 100 })]);
  });
});
