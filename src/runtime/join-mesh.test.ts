import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DEFAULT_SPEC_YAML } from '../spec/default-spec.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { defineAgent, messageText } from './define-agent.js';
import { joinMesh, type JoinedMesh } from './join-mesh.js';
import { startAgentProcess } from './remote-agents.js';
import type { AgentRuntime } from './agent-runtime.js';

const SECRET = 'join-mesh-test-secret-0123456789abcdefghij';

let daca: RunningDaca;
let team: AgentRuntime;
let joined: JoinedMesh;
let callerKey: string;

beforeAll(async () => {
  daca = await startTestDaca(DEFAULT_SPEC_YAML);
  const teamKey = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'stocktaker', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
  callerKey = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'buyer', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
  team = await startAgentProcess({
    dacaUrl: daca.url,
    key: teamKey,
    dataDir: mkdtempSync(join(tmpdir(), 'daca-team-')),
    agents: [defineAgent({ name: 'stocktaker', skills: ['count-stock'], handlers: { onMessage: async (_ctx, m) => `counted: ${messageText(m)}` } })],
  });
  joined = await joinMesh(team, { dacaUrl: daca.url, adminKey: TEST_ADMIN_KEY, secret: SECRET });
});
afterAll(async () => {
  await joined?.close();
  await team?.close();
  await daca?.close();
});

const rpc = (text: string) => ({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: `m-${Math.random()}`, role: 'user', parts: [{ kind: 'text', text }] } } });
const endpoint = () => joined.agents[0]!.url;
const card = () => `${endpoint()}.well-known/agent-card.json`;

describe('joinMesh: only daca may call the process', () => {
  it('a call through daca reaches the agent (daca sends the registered secret)', async () => {
    const r = await post(`${daca.url}/a2a/stocktaker/`, callerKey, rpc('blue kettles'));
    expect(r.status).toBe(200);
    const j = (await r.json()) as { result?: { status?: { state?: string; message?: { parts?: { text?: string }[] } } }; error?: { message: string } };
    expect(j.error).toBeUndefined();
    expect(j.result?.status?.state).toBe('completed');
    expect(j.result?.status?.message?.parts?.[0]?.text).toBe('counted: blue kettles');
  });

  it('a direct call without the secret gets 401: a JSON-RPC error to POST, a JSON error to GET', async () => {
    const r = await fetch(endpoint(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rpc('hello')) });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    const j = (await r.json()) as { jsonrpc: string; id: null; error: { code: number; message: string } };
    expect(j).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    expect(j.error.message).toContain(`${daca.url}/a2a/<agent>/`);
    const g = await fetch(card());
    expect(g.status).toBe(401);
    expect(((await g.json()) as { error: string }).error).toMatch(/answers daca only/);
    // unknown paths too: nothing about the process is told to a caller without the secret
    expect((await fetch(`${joined.url}/nowhere`)).status).toBe(401);
  });

  it('a direct call with a wrong secret gets 401; with the right one it is answered', async () => {
    const wrong = await post(endpoint(), `${SECRET}x`, rpc('hello'));
    expect(wrong.status).toBe(401);
    expect((await fetch(card(), { headers: { authorization: `Bearer ${SECRET.slice(0, -1)}` } })).status).toBe(401);
    expect((await fetch(card(), { headers: { authorization: SECRET } })).status).toBe(401);
    const right = await post(endpoint(), SECRET, rpc('hello'));
    expect(right.status).toBe(200);
    expect((await fetch(card(), { headers: { authorization: `Bearer ${SECRET}` } })).status).toBe(200);
  });

  it('the listing names the header but never its value, and the registry keeps it sealed', async () => {
    const r = await fetch(`${daca.url}/api/mesh/agents?agent=stocktaker`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const text = await r.text();
    expect(text).not.toContain(SECRET);
    const list = JSON.parse(text) as { agents: { instances: { kind: string; headers?: Record<string, string> }[] }[] };
    expect(list.agents[0]!.instances[0]).toMatchObject({ kind: 'external', headers: { authorization: '[redacted]' } });
    const rows = await sql<{ data: string }>`select data from mesh_instances`.execute(daca.services.store.db);
    expect(rows.rows.some((row) => row.data.includes('"authorization"'))).toBe(true);
    expect(rows.rows.map((row) => row.data).join('\n')).not.toContain(SECRET);
    const stored = await sql<{ headers: string }>`select headers from mesh_registrations`.execute(daca.services.store.db);
    expect(stored.rows.length).toBe(1);
    expect(stored.rows[0]!.headers).not.toContain(SECRET);
  });

  it('close removes the registrations of that process, and only its own', async () => {
    const urls = async () => (await sql<{ url: string }>`select url from mesh_registrations where name = 'stocktaker' order by url`.execute(daca.services.store.db)).rows.map((r) => r.url);
    const second = await joinMesh(team, { dacaUrl: daca.url, adminKey: TEST_ADMIN_KEY, secret: SECRET });
    expect(await urls()).toEqual([endpoint(), second.agents[0]!.url].sort());
    await second.close();
    expect(await urls()).toEqual([endpoint()]);
    const r = await fetch(`${daca.url}/api/mesh/agents?agent=stocktaker`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const list = (await r.json()) as { agents: { instances: { endpoint: string }[] }[] };
    expect(list.agents[0]!.instances.map((i) => i.endpoint)).toEqual([endpoint()]);
    expect((await post(`${daca.url}/a2a/stocktaker/`, callerKey, rpc('still here'))).status).toBe(200);
  });

  it('a secret that is too short is refused before anything is served', async () => {
    await expect(joinMesh(team, { dacaUrl: daca.url, adminKey: TEST_ADMIN_KEY, secret: 'short' })).rejects.toThrow(/32 to 1024/);
  });
});
