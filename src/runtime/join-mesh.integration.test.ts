/**
 * Two daca nodes sharing PostgreSQL: a process joins the mesh through node A, and node B — which
 * never saw the registration — forwards to it with the registered secret, read sealed from the
 * shared registry (nodes share the mesh secret through the admin key).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_YAML } from '../spec/default-spec.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { dropSchema, pgUrl, runId, until } from '../../test/guardrails/fleet.js';
import type { RunningDaca } from '../server/serve.js';
import { defineAgent, messageText } from './define-agent.js';
import { joinMesh, type JoinedMesh } from './join-mesh.js';
import { startAgentProcess } from './remote-agents.js';
import type { AgentRuntime } from './agent-runtime.js';

const schema = runId('join_mesh');
let a: RunningDaca;
let b: RunningDaca;
let team: AgentRuntime;
let joined: JoinedMesh;

beforeAll(async () => {
  a = await startTestDaca(DEFAULT_SPEC_YAML, { databaseUrl: pgUrl(schema) });
  b = await startTestDaca(DEFAULT_SPEC_YAML, { databaseUrl: pgUrl(schema) });
  const teamKey = ((await (await post(`${a.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'shelfcounter', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
  team = await startAgentProcess({
    dacaUrl: a.url,
    key: teamKey,
    dataDir: mkdtempSync(join(tmpdir(), 'daca-team-')),
    agents: [defineAgent({ name: 'shelfcounter', skills: ['count-shelves'], handlers: { onMessage: async (_ctx, m) => `shelves: ${messageText(m)}` } })],
  });
  joined = await joinMesh(team, { dacaUrl: a.url, adminKey: TEST_ADMIN_KEY });
});
afterAll(async () => {
  await joined?.close();
  await team?.close();
  await a?.close();
  await b?.close();
  await dropSchema(schema);
});

describe('joinMesh across daca nodes (PostgreSQL registry)', () => {
  it('another node forwards to the joined process with the registered secret', async () => {
    const callerKey = ((await (await post(`${b.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'buyer', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
    await until('node B sees the registration', async () => {
      const r = await fetch(`${b.url}/api/mesh/agents?agent=shelfcounter`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
      return ((await r.json()) as { agents: unknown[] }).agents.length > 0 ? true : undefined;
    });
    const r = await post(`${b.url}/a2a/shelfcounter/`, callerKey, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'm-1', role: 'user', parts: [{ kind: 'text', text: 'aisle 4' }] } } });
    expect(r.status).toBe(200);
    const j = (await r.json()) as { result?: { status?: { message?: { parts?: { text?: string }[] } } }; error?: { message: string } };
    expect(j.error).toBeUndefined();
    expect(j.result?.status?.message?.parts?.[0]?.text).toBe('shelves: aisle 4');
  });
});
