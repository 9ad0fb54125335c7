/**
 * Two daca nodes sharing PostgreSQL: an agent registered through node A stays registered after A
 * is gone — node B, which never saw the registration, reads it from the store and keeps it alive
 * in the registry past the registry TTL, and calls it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { dropSchema, pgUrl, runId, until } from '../../test/guardrails/fleet.js';
import type { RunningDaca } from '../server/serve.js';
import { startSimAgent, type RunningSimAgent } from './sim/sim-agent.js';

const TTL_MS = 600;
const SPEC = `
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, type: chat } }
mesh:
  registry: { heartbeat_ms: 150, ttl_ms: ${TTL_MS} }
`;
const TOKEN = 'depot-agent-token-0123456789abcdef';
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const schema = runId('mesh_reg');
let a: RunningDaca | undefined;
let b: RunningDaca;
let depot: RunningSimAgent;

beforeAll(async () => {
  depot = await startSimAgent({ name: 'depot', token: TOKEN });
  a = await startTestDaca(SPEC, { databaseUrl: pgUrl(schema) });
  b = await startTestDaca(SPEC, { databaseUrl: pgUrl(schema) });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await depot?.close();
  await dropSchema(schema);
});

type Listing = { agents: { agent: string; instances: { heartbeatAt: number }[] }[] };

describe('registrations through the API across nodes (PostgreSQL)', () => {
  it('outlive the node that took them: another node keeps them registered past the TTL and calls them', async () => {
    // B's mesh is running before the registration exists
    expect((await fetch(`${b.url}/api/mesh/agents`, { headers: admin })).status).toBe(200);
    expect((await post(`${a!.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'depot', url: depot.url, headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(201);
    await a!.close();
    a = undefined;
    const closedAt = Date.now();

    // listed by B with a heartbeat written after A's last one would have lapsed: B renews it
    await until(
      'node B renews the registration past the TTL',
      async () => {
        const r = (await (await fetch(`${b.url}/api/mesh/agents?agent=depot`, { headers: admin })).json()) as Listing;
        return (r.agents[0]?.instances[0]?.heartbeatAt ?? 0) > closedAt + TTL_MS ? true : undefined;
      },
      10_000,
    );
    const key = ((await (await post(`${b.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'buyer', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
    const r = await post(`${b.url}/a2a/depot/`, key, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'm-1', role: 'user', parts: [{ kind: 'text', text: 'pallets' }] } } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { result?: { parts?: { text: string }[] } }).result?.parts?.[0]?.text).toBe('depot: pallets');
  });
});
