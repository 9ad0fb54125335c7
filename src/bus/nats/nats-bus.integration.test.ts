/**
 * The Bus contract on a real NATS JetStream server (DACA_NATS_URL, default nats://127.0.0.1:4222).
 * Fails (does not skip) when NATS is not reachable.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { busSuite, until } from '../bus-suite.js';
import { openBus } from '../open-bus.js';
import type { Bus } from '../types.js';
import { NatsBus } from './nats-bus.js';

const URL = process.env.DACA_NATS_URL ?? 'nats://127.0.0.1:4222';
const fresh = (): Promise<NatsBus> => {
  const tag = randomUUID().slice(0, 8);
  return NatsBus.connect(URL, { stream: `TEST_BUS_${tag}`, prefix: `t${tag}` });
};
const destroy = async (b: Bus): Promise<void> => {
  await (b as NatsBus).destroy();
  await b.close();
};

busSuite('nats', fresh, destroy);

describe('NatsBus', () => {
  it('is what openBus gives with DACA_NATS_URL', async () => {
    const b = await openBus({ env: { DACA_NATS_URL: URL }, nats: { stream: `TEST_BUS_${randomUUID().slice(0, 8)}`, prefix: 'topen' } });
    expect(b.kind).toBe('nats');
    await destroy(b);
  });

  it('a durable consumer survives the process: another connection picks up where it stopped', async () => {
    const tag = randomUUID().slice(0, 8);
    const opts = { stream: `TEST_BUS_${tag}`, prefix: `t${tag}` };
    const a = await NatsBus.connect(URL, opts);
    const got: number[] = [];
    await a.subscribe('orders.>', (m) => void got.push((m.data as { n: number }).n), { durable: 'shipper' });
    await a.publish('orders.new', { n: 1 });
    await until(() => got.length === 1);
    await a.close(); // the "process" goes away
    const b = await NatsBus.connect(URL, opts);
    await b.publish('orders.new', { n: 2 });
    await b.publish('orders.new', { n: 3 });
    await b.subscribe('orders.>', (m) => void got.push((m.data as { n: number }).n), { durable: 'shipper' });
    await until(() => got.length === 3);
    expect(got).toEqual([1, 2, 3]);
    await destroy(b);
  });

  it('fails loudly when NATS is unreachable', async () => {
    await expect(NatsBus.connect('nats://127.0.0.1:1')).rejects.toThrow(/unreachable/);
  });
});
