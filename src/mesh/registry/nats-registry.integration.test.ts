import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsRegistry } from './nats-registry.js';

let nats: ChildProcess;
let url: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  url = `nats://127.0.0.1:${port}`;
  nats = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', mkdtempSync(`${tmpdir()}/daca-nats-`)], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = createServer();
      s.once('error', () => r(true)); // the port is taken: nats-server listens
      s.listen(port, '127.0.0.1', () => s.close(() => r(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nats-server did not start (is it installed? apt-get install nats-server)');
});
afterAll(() => {
  nats?.kill();
});

const inst = (id: string) => ({
  agent: 'seller', instanceId: id, endpoint: `http://h/${id}/`, node: 'n', kind: 'native' as const, tenant: 'acme', version: '1', zone: 'z',
  description: '', skills: [{ id: 'quote', name: 'Quote' }], tags: [], health: 'healthy' as const, load: 0,
});

describe('registry on NATS JetStream KV', () => {
  it('shares instances between nodes through the bucket and its watch; the bucket TTL expires silent ones', async () => {
    // TTL and waits leave room for a loaded CI machine: the watch may take a while to deliver.
    const a = await NatsRegistry.open(url, { ttlMs: 3000, refreshMs: 0 });
    const b = await NatsRegistry.open(url, { ttlMs: 3000, refreshMs: 0 });
    await a.register(inst('n1/seller'));
    // The watch usually delivers first; a refresh reads the bucket itself (what the watch only speeds up).
    for (let i = 0; i < 125 && b.list().length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      if (i % 25 === 24) await b.refresh();
    }
    expect(b.list({ skill: 'quote' }).map((i) => i.instanceId)).toEqual(['n1/seller']);
    await new Promise((r) => setTimeout(r, 3500));
    await b.refresh();
    expect(b.list()).toEqual([]);
    await a.close();
    await b.close();
  });
});
