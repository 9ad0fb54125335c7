/**
 * `/api/suspensions` through the real HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import { killSwitchOf } from '../../guardrails/kill-switch/node-kill-switch.js';
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

describe('/api/suspensions', () => {
  it('suspends, lists and resumes, applying at once to this node', async () => {
    const created = await api('/api/suspensions', { method: 'POST', body: { kind: 'agent', subject: 'triage', reason: 'runaway loop' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'agent', subject: 'triage', reason: 'runaway loop', by: 'admin' });
    expect(() => killSwitchOf(d.services).check(principal, who)).not.toThrow();
    expect(killSwitchOf(d.services).check(principal, who)?.reason).toBe('runaway loop');
    const list = await api<{ data: unknown[] }>('/api/suspensions');
    expect(list.body.data).toEqual([expect.objectContaining({ kind: 'agent', subject: 'triage', since: expect.any(String) })]);
    expect((await api('/api/suspensions/agent/triage', { method: 'DELETE' })).body).toEqual({ kind: 'agent', subject: 'triage', resumed: true });
    expect(killSwitchOf(d.services).check(principal, who)).toBeNull();
    expect((await api('/api/suspensions/agent/triage', { method: 'DELETE' })).status).toBe(404);
  });

  it('rejects a bad body with 400 naming the field', async () => {
    const r = await api<{ error: { message: string } }>('/api/suspensions', { method: 'POST', body: { kind: 'planet', subject: 'x', reason: 'y' } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('kind');
  });

  it('requires an admin key', async () => {
    expect((await api('/api/suspensions', { key: 'not-a-key-0123456789' })).status).toBe(401);
  });
});
