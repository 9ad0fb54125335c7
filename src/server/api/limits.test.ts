/**
 * `/api/limits` through the real HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import { limitsOf } from '../../guardrails/limits/node-limits.js';
import type { Attribution, Principal } from '../../identity/principal.js';
import type { RunningDaca } from '../serve.js';

const SPEC = `
budgets:
  - { scope: agent, agent: triage, limit_usd: 100, window: day, soft_usd: 50 }
  - { scope: session, limit_usd: 10 }
rate_limits:
  - { scope: agent, rpm: 60, tpm: 10000 }
`;
let d: RunningDaca;
const principal: Principal = { keyId: 'key_x', role: 'agent', tenant: 'default', team: 'default', agent: null, models: null, dev: false };
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

describe('/api/limits', () => {
  it('lists the spec limits and what a subject used this minute', async () => {
    const limits = limitsOf(d.services);
    const t = await limits.check(principal, who, 300);
    expect(t.allowed).toBe(true);
    if (t.allowed) limits.settle(t, 120);
    expect((await api<{ data: unknown[] }>('/api/limits')).body.data).toEqual([{ scope: 'agent', rpm: 60, tpm: 10000 }]);
    const u = await api('/api/limits/agent/triage');
    expect(u.body).toEqual({ scope: 'agent', subject: 'triage', used_this_minute: { requests: 1, tokens: 120, concurrent: null } });
    expect((await api('/api/limits/planet/x')).status).toBe(400);
  });
});
