import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../server/serve.js';
import { startTestDaca, TEST_ADMIN_KEY, post } from '../../test/support/in-process-daca.js';
import { startSimAgent, type RunningSimAgent } from './sim/sim-agent.js';
import { externalAgentsSpec } from './testing/a2a-test-client.js';

let daca: RunningDaca;
let partner: RunningSimAgent;
let weather: RunningSimAgent;
let key: string;
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

beforeAll(async () => {
  partner = await startSimAgent({ name: 'partner', skills: [{ id: 'translate', name: 'Translate text', description: 'Translate text between languages', examples: ['Translate this into French'] }] });
  weather = await startSimAgent({ name: 'weather', skills: [{ id: 'forecast', name: 'Weather forecast', description: 'Forecast the weather for a city', examples: ['Will it rain in Oslo?'] }] });
  daca = await startTestDaca(externalAgentsSpec({ partner: partner.url }));
  key = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'caller', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
});
afterAll(async () => {
  await daca?.close();
  await partner?.close();
  await weather?.close();
});

const send = (path: string, text: string) =>
  post(`${daca.url}${path}`, key, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: `m-${Math.random()}`, role: 'user', parts: [{ kind: 'text', text }] } } });

describe('external A2A agents', () => {
  it('joins the mesh from the spec: its card is fetched, it is discoverable and callable', async () => {
    const list = (await (await fetch(`${daca.url}/api/mesh/agents?skill=translate`, { headers: admin })).json()) as { agents: { agent: string; instances: { kind: string; endpoint: string }[] }[] };
    expect(list.agents.map((a) => a.agent)).toEqual(['partner']);
    expect(list.agents[0]!.instances[0]).toMatchObject({ kind: 'external', endpoint: `${partner.url}/` });
    const r = await send('/a2a/partner/', 'bonjour');
    const j = (await r.json()) as { result?: { parts?: { text: string }[] } };
    expect(j.result?.parts?.[0]?.text).toBe('partner: bonjour');
    const card = (await (await fetch(`${daca.url}/a2a/partner/.well-known/agent-card.json`, { headers: { 'a2a-version': '1.0' } })).json()) as { supportedInterfaces: { url: string }[] };
    expect(card.supportedInterfaces[0]!.url).toBe(`${daca.url}/a2a/partner/`);
  });

  it('registers an agent by URL through the API after validating its card, and routes to it by skill', async () => {
    const bad = await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'nobody', url: 'http://127.0.0.1:9/' });
    expect(bad.status).toBe(400);
    const ok = await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'weather', url: weather.url });
    expect(ok.status).toBe(201);
    const routed = await send('/a2a/', 'Will it snow in Denver tomorrow?');
    expect(routed.status).toBe(200);
    const j = (await routed.json()) as { result?: { parts?: { text: string }[] } };
    expect(j.result?.parts?.[0]?.text).toMatch(/^weather: /);
    expect(weather.answered()).toBe(1);
  });

  it('refuses registration headers it could not send safely, naming the field', async () => {
    const bad = async (headers: unknown) => {
      const r = await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'weather2', url: weather.url, headers });
      expect(r.status).toBe(400);
      return JSON.stringify(await r.json());
    };
    expect(await bad({ 'content-length': '1' })).toMatch(/sets this header on every hop/);
    expect(await bad({ authorization: 'Bearer a\r\nx-injected: 1' })).toMatch(/printable ASCII/);
    expect(await bad({ 'bad name': 'x' })).toMatch(/HTTP header name/);
    expect(await bad({ authorization: 'x'.repeat(4097) })).toMatch(/headers/);
    expect(await bad(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`x-h${i}`, 'v'])))).toMatch(/at most 16 headers/);
  });

  it('does not send registration headers to another origin than the one registered', async () => {
    // a card served from one origin that names another (here: weather's) as the agent's endpoint
    const card = await (await fetch(`${weather.url}/.well-known/agent-card.json`, { headers: { 'a2a-version': '1.0' } })).text();
    const relay = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(card));
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/`;
      const r = await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'elsewhere', url, headers: { authorization: 'Bearer s3cret-for-the-relay' } });
      expect(r.status).toBe(400);
      expect(JSON.stringify(await r.json())).toMatch(/sends an agent's headers only to the origin they were registered for/);
      expect((await post(`${daca.url}/api/mesh/agents`, TEST_ADMIN_KEY, { name: 'elsewhere', url })).status).toBe(201); // no credentials at stake
    } finally {
      relay.close();
    }
  });
});
