/**
 * External agents registered through the API are stored: a restarted daca node serves them without
 * a new registration, and `DELETE /api/mesh/agents/:name` removes them for good.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../server/serve.js';
import { openStore } from '../store/open-store.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { startSimAgent, type RunningSimAgent } from './sim/sim-agent.js';

const TOKEN = 'stock-agent-token-0123456789abcdef';
const SPEC = 'version: 1\nproviders: { sim: { kind: sim } }\nmodels: { small: { provider: sim, type: chat } }\n';
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const dataDir = mkdtempSync(join(tmpdir(), 'daca-meshreg-'));
let stock: RunningSimAgent;
let daca: RunningDaca | undefined;

beforeAll(async () => {
  stock = await startSimAgent({ name: 'stock', token: TOKEN, skills: [{ id: 'count', name: 'Count stock' }] });
});
afterAll(async () => {
  await daca?.close();
  await stock?.close();
});

type Listing = { agents: { agent: string; instances: { endpoint: string; headers?: Record<string, string> }[] }[] };
const listed = async (d: RunningDaca): Promise<Listing['agents']> => ((await (await fetch(`${d.url}/api/mesh/agents`, { headers: admin })).json()) as Listing).agents;

async function send(d: RunningDaca, text: string): Promise<Response> {
  const key = ((await (await post(`${d.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'buyer', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
  return post(`${d.url}/a2a/stock/`, key, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: `m-${text}`, role: 'user', parts: [{ kind: 'text', text }] } } });
}

describe('registrations through the API', () => {
  it('survive a restart of the node: listed and callable (with their headers) without registering again', async () => {
    daca = await startTestDaca(SPEC, { dataDir });
    const first = await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'stock', url: stock.url, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(first.status).toBe(201);
    // the same name and URL again replaces the registration: its new headers win
    const again = await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'stock', url: stock.url, headers: { authorization: `Bearer ${TOKEN}`, 'x-note': 'second' } });
    expect(again.status).toBe(201);
    await daca.close();
    daca = undefined;

    // at rest: one row, headers sealed; and the registry forgets the instance (as after its TTL)
    const store = await openStore({ dataDir });
    try {
      const rows = await store.db.withTables<{ mesh_registrations: { name: string; url: string; headers: string | null; created_by: string | null } }>().selectFrom('mesh_registrations').selectAll().execute();
      expect(rows.map((r) => [r.name, r.url])).toEqual([['stock', stock.url]]);
      expect(rows[0]!.headers).not.toContain(TOKEN);
      expect(rows[0]!.headers).not.toContain('second');
      expect(JSON.parse(rows[0]!.headers!).names).toEqual(['authorization', 'x-note']);
      expect(rows[0]!.created_by).toMatch(/^key:/);
      await store.db.withTables<{ mesh_instances: { agent: string } }>().deleteFrom('mesh_instances').execute();
    } finally {
      await store.close();
    }

    daca = await startTestDaca(SPEC, { dataDir });
    const r = await send(daca, 'kettles');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { result?: { parts?: { text: string }[] } }).result?.parts?.[0]?.text).toBe('stock: kettles');
    const stockAgent = (await listed(daca)).find((a) => a.agent === 'stock');
    expect(stockAgent?.instances[0]?.headers).toEqual({ authorization: '[redacted]', 'x-note': '[redacted]' });
  });

  it('DELETE removes a registration at once and for good, audited', async () => {
    daca ??= await startTestDaca(SPEC, { dataDir });
    expect((await fetch(`${daca.url}/api/mesh/agents/stock?url=${encodeURIComponent('http://127.0.0.1:9/')}`, { method: 'DELETE', headers: admin })).status).toBe(404);
    const del = await fetch(`${daca.url}/api/mesh/agents/stock`, { method: 'DELETE', headers: admin });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ removed: [{ name: 'stock', url: stock.url, tenant: 'default' }] });
    expect((await listed(daca)).map((a) => a.agent)).not.toContain('stock');
    expect((await send(daca, 'gone?')).status).toBe(404);
    expect((await fetch(`${daca.url}/api/mesh/agents/stock`, { method: 'DELETE', headers: admin })).status).toBe(404);
    const audit = await (await fetch(`${daca.url}/api/audit?kind=admin_action`, { headers: admin })).text();
    expect(audit).toContain('mesh_agent_removed');

    // and a restart does not bring it back
    await daca.close();
    daca = await startTestDaca(SPEC, { dataDir });
    expect((await send(daca, 'still gone?')).status).toBe(404);
  });

  it("a tenant's key removes only its own tenant's registrations", async () => {
    daca ??= await startTestDaca(SPEC, { dataDir });
    expect((await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'stock', url: stock.url, tenant: 'acme', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(201);
    const keyOf = async (tenant: string) =>
      ((await (await post(`${daca!.url}/api/keys`, TEST_ADMIN_KEY, { role: 'operator', team: 'ops', tenant })).json()) as { key: string }).key;
    const del = async (key: string) => (await fetch(`${daca!.url}/api/mesh/agents/stock`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } })).status;
    expect(await del(await keyOf('globex'))).toBe(404);
    expect((await listed(daca)).map((a) => a.agent)).toContain('stock');
    expect(await del(await keyOf('acme'))).toBe(200);
    expect((await listed(daca)).map((a) => a.agent)).not.toContain('stock');
  });
});
