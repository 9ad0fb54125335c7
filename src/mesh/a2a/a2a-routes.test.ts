import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '@a2a-js/sdk';
import type { RunningDaca } from '../../server/serve.js';
import { startTestDaca, TEST_ADMIN_KEY, post } from '../../../test/support/in-process-daca.js';
import { meshTestSpec } from '../testing/mesh-spec-fixture.js';
import { a2aClientFactory } from '../testing/a2a-test-client.js';

let daca: RunningDaca;
const keys: Record<string, string> = {};

async function key(agent: string | null, tenant: string, team: string): Promise<string> {
  const r = await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent, team, tenant });
  const j = (await r.json()) as { key?: string; secret?: string };
  return (j.key ?? j.secret)!;
}

const client = a2aClientFactory;

const textOf = (parts: { content?: { $case: string; value: unknown } }[] = []) => parts.map((p) => (p.content?.$case === 'text' ? String(p.content.value) : '')).join('');

beforeAll(async () => {
  daca = await startTestDaca(meshTestSpec('mesh:\n  policies:\n    - { callers: [buyer, user], skills: ["seller/*", "assistant"] }\n    - { callers: [rival], skills: [assistant] }\n'));
  keys.buyer = await key('buyer', 'acme', 'shop');
  keys.user = await key(null, 'default', 'default');
  keys.rival = await key('rival', 'globex', 'other');
  keys.other = await key('stranger', 'acme', 'shop');
});
afterAll(async () => {
  await daca?.close();
});

describe('A2A servers of daca agents', () => {
  it('answers the official @a2a-js/sdk client (send, get, stream, cancel) from the agent card', async () => {
    const c = await client(keys.user!).createFromUrl(daca.url, '/a2a/assistant/.well-known/agent-card.json');
    const message = Message.fromJSON({ messageId: `t-${Date.now()}`, role: 'ROLE_USER', parts: [{ text: 'Say hello in five words.' }] });
    const r = (await c.sendMessage({ message, tenant: '', configuration: undefined, metadata: undefined })) as { id?: string; status?: { message?: { parts: never[] } }; parts?: never[] };
    const text = 'parts' in r && r.parts ? textOf(r.parts) : textOf(r.status?.message?.parts);
    expect(text.length).toBeGreaterThan(1);
    expect(r.id).toBeTruthy();
    const got = (await c.getTask({ id: r.id!, historyLength: undefined, tenant: '' })) as { id: string; status?: { state: number } };
    expect(got.id).toBe(r.id);
    expect(got.status?.state).toBe(3); // completed
    const events: string[] = [];
    for await (const ev of c.sendMessageStream({ message: Message.fromJSON({ messageId: `s-${Date.now()}`, role: 'ROLE_USER', parts: [{ text: 'Stream a greeting.' }] }), tenant: '', configuration: undefined, metadata: undefined })) {
      events.push((ev as { payload?: { $case?: string } }).payload?.$case ?? Object.keys(ev as object).join(','));
    }
    expect(events.length).toBeGreaterThan(0);
    await expect(c.cancelTask({ id: r.id!, tenant: '', metadata: undefined })).rejects.toThrow(); // a completed task cannot be canceled
  });

  it('serves the mesh card and a 0.3 card for peers that send no A2A-Version', async () => {
    const mesh = await fetch(`${daca.url}/.well-known/agent-card.json`);
    expect(mesh.status).toBe(200);
    const legacy = (await (await fetch(`${daca.url}/a2a/seller/.well-known/agent-card.json`)).json()) as { protocolVersion: string; url: string; skills: { id: string }[] };
    expect(legacy.protocolVersion).toBe('0.3.0');
    expect(legacy.url).toBe(`${daca.url}/a2a/seller/`);
    expect(legacy.skills.map((s) => s.id)).toEqual(['quote']);
  });

  it('answers a 0.3 JSON-RPC message/send', async () => {
    const r = await post(`${daca.url}/a2a/seller/`, keys.buyer!, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'm1', role: 'user', parts: [{ kind: 'text', text: 'price of 3 kettles?' }] } } });
    const j = (await r.json()) as { result?: { kind?: string; status?: { state?: string } } };
    expect(r.status).toBe(200);
    expect(j.result?.kind).toBe('task');
    expect(j.result?.status?.state).toBe('completed');
  });

  it('refuses calls without a key, across tenants, and outside the call policy', async () => {
    const body = { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'm2', role: 'user', parts: [{ kind: 'text', text: 'hi' }] } } };
    expect((await fetch(`${daca.url}/a2a/seller/`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const cross = await post(`${daca.url}/a2a/seller/`, keys.rival!, body);
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: { message: string } }).error.message).toMatch(/another tenant/);
    const policy = await post(`${daca.url}/a2a/seller/`, keys.other!, body);
    expect(policy.status).toBe(403);
    expect(((await policy.json()) as { error: { message: string } }).error.message).toMatch(/mesh.policies/);
  });

  it('lets any tenant call a platform agent of the shared tenant, each tenant seeing only its own tasks', async () => {
    const send = (k: string) => post(`${daca.url}/a2a/assistant/`, k, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: `x-${Math.random()}`, role: 'user', parts: [{ kind: 'text', text: 'hello' }] } } });
    const mine = (await (await send(keys.user!)).json()) as { result: { id: string } };
    const theirs = await send(keys.rival!);
    expect(theirs.status).toBe(200);
    const get = (k: string) => post(`${daca.url}/a2a/assistant/`, k, { jsonrpc: '2.0', id: 2, method: 'tasks/get', params: { id: mine.result.id } }).then((r) => r.json() as Promise<{ result?: { id: string }; error?: unknown }>);
    expect((await get(keys.user!)).result?.id).toBe(mine.result.id);
    expect((await get(keys.rival!)).error).toBeTruthy();
  });

  it('routes a need stated in words through the mesh endpoint, and explains a refusal with a 404', async () => {
    const ok = await post(`${daca.url}/a2a/`, keys.buyer!, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'm3', role: 'user', parts: [{ kind: 'text', text: 'How much would 3 blue kettles cost?' }] } } });
    expect(ok.status).toBe(200);
    const no = await post(`${daca.url}/a2a/`, keys.buyer!, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'm4', role: 'user', parts: [{ kind: 'text', text: 'Tell me a joke about cats' }] } } });
    expect(no.status).toBe(404);
    const decisions = (await (await fetch(`${daca.url}/api/mesh/decisions?limit=5`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as { decisions: { routedTo: string | null; reason: string; score: number }[] };
    expect(decisions.decisions[0]!.routedTo).toBeNull();
    expect(decisions.decisions[1]!.routedTo).toBe('seller/quote');
    expect(decisions.decisions[1]!.reason).toMatch(/seller\/quote/);
  });

  it('lists agents by skill and reports edges', async () => {
    const r = (await (await fetch(`${daca.url}/api/mesh/agents?skill=quote`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as { agents: { agent: string }[] };
    expect(r.agents.map((a) => a.agent)).toEqual(['seller']);
    const e = (await (await fetch(`${daca.url}/api/mesh/edges`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as { edges: { caller: string; callee: string; total: number }[] };
    expect(e.edges.find((x) => x.caller === 'buyer' && x.callee === 'seller')?.total).toBeGreaterThanOrEqual(2);
  });
});
