import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../../server/serve.js';
import { startTestDaca, TEST_ADMIN_KEY, post } from '../../../test/support/in-process-daca.js';
import { meshOf } from '../node-mesh.js';
import { startSimAgent, type RunningSimAgent } from '../sim/sim-agent.js';

let daca: RunningDaca;
let buyerKey: string;
const instances: RunningSimAgent[] = [];

const spec = `
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, type: chat } }
tenants: { acme: {} }
teams: { shop: { tenant: acme } }
agents:
  buyer: { team: shop }
mesh:
  slos:
    seller: { deadline_ms: 3000, idempotent: true, p99_ms: 500 }
  balancing: { max_in_flight: 8, max_queue: 64, retries: 2 }
`;

beforeAll(async () => {
  daca = await startTestDaca(spec);
  buyerKey = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'buyer', team: 'shop', tenant: 'acme' })).json()) as { key: string }).key;
  const mesh = await meshOf(daca.services);
  for (let i = 0; i < 3; i++) {
    const a = await startSimAgent({ name: 'seller', delayMs: 3, skills: [{ id: 'quote', name: 'Quote' }] });
    instances.push(a);
    await mesh.registry.register({
      agent: 'seller', instanceId: `node-${i}/seller`, endpoint: `${a.url}/`, node: `node-${i}`, kind: 'native', tenant: 'acme', version: '1', zone: 'z',
      description: 'sim seller', skills: [{ id: 'quote', name: 'Quote' }], tags: [], health: 'healthy', load: 0,
    });
  }
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.close()));
  await daca?.close();
});

const send = (n: number) =>
  post(`${daca.url}/a2a/seller/`, buyerKey, { jsonrpc: '2.0', id: n, method: 'message/send', params: { message: { kind: 'message', messageId: `m-${n}`, role: 'user', parts: [{ kind: 'text', text: `quote ${n}` }] } } });

describe('load balancing between three instances', () => {
  it('spreads load, fails over when one instance dies, and answers every accepted request', async () => {
    const total = 300;
    const statuses: number[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < total) {
        const n = next++;
        if (n === 100 && !killed) {
          killed = true;
          void instances[1]!.close(); // dies with requests in flight
        }
        const r = await send(n);
        const j = (await r.json()) as { result?: { kind?: string; parts?: { text: string }[] } };
        statuses.push(r.status === 200 && j.result?.kind === 'message' && j.result.parts?.[0]?.text.startsWith('seller:') ? 200 : r.status === 200 ? -1 : r.status);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses.length).toBe(total);
    // every instance took traffic before the kill; the dead one is ejected
    expect(instances.every((i) => i.answered() > 10)).toBe(true);
    const mesh = await meshOf(daca.services);
    expect(mesh.balancer.state('node-1/seller').breaker(Date.now())).toBe('open');
    const survivors = instances[0]!.answered() + instances[2]!.answered();
    expect(survivors + instances[1]!.answered()).toBeGreaterThanOrEqual(total);
  });

  it('answers 429 when every instance is busy and the queue is full', async () => {
    const mesh = await meshOf(daca.services);
    const slow = await startSimAgent({ name: 'slow', delayMs: 300 });
    await mesh.registry.register({
      agent: 'slow', instanceId: 'node-9/slow', endpoint: `${slow.url}/`, node: 'node-9', kind: 'native', tenant: 'acme', version: '1', zone: 'z',
      description: '', skills: [], tags: [], health: 'healthy', load: 0,
    });
    const calls = Array.from({ length: 8 + 64 + 10 }, (_, n) =>
      post(`${daca.url}/a2a/slow/`, buyerKey, { jsonrpc: '2.0', id: n, method: 'message/send', params: { message: { kind: 'message', messageId: `s-${n}`, role: 'user', parts: [{ kind: 'text', text: 'x' }] } } }).then((r) => r.status),
    );
    const statuses = await Promise.all(calls);
    await slow.close();
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(8);
  });
});
