/**
 * Two daca nodes sharing PostgreSQL, each with an agent of its own: each node's agents join the
 * mesh when it starts (no request has reached it), and a call to the other node's agent through
 * either node is forwarded to the node that runs it, authenticated by a mesh token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { dropSchema, pgUrl, runId, until } from '../../test/guardrails/fleet.js';
import { defineAgent, messageText } from '../runtime/define-agent.js';
import type { RunningDaca } from '../server/serve.js';

const SPEC = `
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, type: chat } }
mesh:
  registry: { heartbeat_ms: 150, ttl_ms: 2000 }
`;
const schema = runId('mesh_cluster');
let a: RunningDaca;
let b: RunningDaca;

/** A code agent that says which node answered. */
const agentOn = (name: string, node: string) => defineAgent({ name, skills: [`${name} things`], handlers: { onMessage: (_ctx, msg) => `${name} on ${node}: ${messageText(msg)}` } });

beforeAll(async () => {
  a = await startTestDaca(SPEC, { databaseUrl: pgUrl(schema) });
  b = await startTestDaca(SPEC, { databaseUrl: pgUrl(schema) });
  await a.services.runtime.register(agentOn('alpha', 'A'));
  await b.services.runtime.register(agentOn('beta', 'B'));
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await dropSchema(schema);
});

type Listing = { agents: { agent: string; instances: { kind: string; endpoint: string }[] }[] };
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const send = (node: RunningDaca, agent: string, key: string, text: string) =>
  post(`${node.url}/a2a/${agent}/`, key, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: `m-${Math.random()}`, role: 'user', parts: [{ kind: 'text', text }] } } });

describe('a mesh of two nodes (PostgreSQL)', () => {
  it('knows both nodes\' agents without any request having reached them, and forwards calls to the node that runs the agent', async () => {
    // the registry as a third party sees it: straight from the store both nodes share
    const listed = async (): Promise<string[]> => {
      const rows = await a.services.store.db.withTables<{ mesh_instances: { agent: string } }>().selectFrom('mesh_instances').select('agent').execute();
      return [...new Set(rows.map((r) => r.agent))].sort();
    };
    await until('both nodes registered their agents', async () => ((await listed()).join() === 'alpha,beta' ? true : undefined), 10_000);

    // each node's view of the registry catches up within a refresh
    const sees = async (node: RunningDaca, agent: string) => ((await (await fetch(`${node.url}/api/mesh/agents?agent=${agent}`, { headers: admin })).json()) as Listing).agents.length > 0 || undefined;
    await until('node A sees beta', () => sees(a, 'beta'), 5_000);
    await until('node B sees alpha', () => sees(b, 'alpha'), 5_000);
    const key = ((await (await post(`${a.url}/api/keys`, TEST_ADMIN_KEY, { agent: null, team: 'default', tenant: 'default' })).json()) as { key: string }).key;
    const viaA = await send(a, 'beta', key, 'hello from A');
    expect(viaA.status, await viaA.clone().text()).toBe(200);
    expect(JSON.stringify(await viaA.json())).toContain('beta on B: hello from A');
    const viaB = await send(b, 'alpha', key, 'hello from B');
    expect(JSON.stringify(await viaB.json())).toContain('alpha on A: hello from B');
    const seen = (await (await fetch(`${a.url}/api/mesh/agents?agent=beta`, { headers: admin })).json()) as Listing;
    expect(seen.agents[0]!.instances[0]).toMatchObject({ kind: 'native', endpoint: `${b.url}/a2a/beta/` });
  }, 30_000);
});
