import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/types.js';
import { StoreRegistry } from './store-registry.js';

let store: Store;
beforeAll(async () => {
  store = await openStore({ dataDir: mkdtempSync(`${tmpdir()}/daca-reg-`) });
  await store.migrate();
});
afterAll(() => store.close());

const inst = (id: string, agent: string) => ({
  agent, instanceId: id, endpoint: `http://h/${id}/`, node: 'n', kind: 'native' as const, tenant: 'acme', version: '1', zone: 'z',
  description: '', skills: [{ id: 'quote', name: 'Quote', tags: ['sales'] }], tags: [], health: 'healthy' as const, load: 0,
});

describe('registry on the Store', () => {
  it('shares instances between nodes and expires them after the TTL without heartbeats', async () => {
    let now = 1_000_000;
    const a = await StoreRegistry.open(store, { ttlMs: 5000, refreshMs: 0, now: () => now });
    const b = await StoreRegistry.open(store, { ttlMs: 5000, refreshMs: 0, now: () => now });
    await a.register(inst('n1/seller', 'seller'));
    await a.register(inst('n1/buyer', 'buyer'));
    await b.refresh();
    expect(b.list({ skill: 'quote' }).map((i) => i.instanceId).sort()).toEqual(['n1/buyer', 'n1/seller']);
    expect(b.list({ agent: 'seller', tag: 'sales' })).toHaveLength(1);
    const g = b.generation;
    now += 4000;
    await a.register(inst('n1/seller', 'seller')); // heartbeat
    now += 2000;
    await b.refresh();
    expect(b.list().map((i) => i.instanceId)).toEqual(['n1/seller']);
    expect(b.generation).not.toBe(g);
    await a.deregister('n1/seller');
    await b.refresh();
    expect(b.list()).toEqual([]);
    await a.close();
    await b.close();
  });
});
