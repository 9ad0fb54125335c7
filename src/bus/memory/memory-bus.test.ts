import { describe, expect, it } from 'vitest';
import { busSuite } from '../bus-suite.js';
import { openBus } from '../open-bus.js';
import { MemoryBus } from './memory-bus.js';

busSuite('memory', async () => new MemoryBus());

describe('MemoryBus', () => {
  it('is what openBus gives without DACA_NATS_URL', async () => {
    const b = await openBus({ env: {} });
    expect(b.kind).toBe('memory');
    await b.close();
  });

  it('keeps a bounded replay log and reports backlog per durable consumer', async () => {
    const bus = new MemoryBus({ maxMessages: 3 });
    for (let n = 1; n <= 5; n++) bus.publishNow('k.x', { n });
    const got: number[] = [];
    const s = await bus.subscribe('k.>', (m) => void got.push((m.data as { n: number }).n), { from: 'all' });
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([3, 4, 5]);
    await s.unsubscribe();
    await bus.subscribe('k.>', () => new Promise(() => {}), { durable: 'stuck' });
    bus.publishNow('k.y', { n: 6 });
    bus.publishNow('k.y', { n: 7 });
    await new Promise((r) => setTimeout(r, 10));
    expect(bus.backlog()).toEqual({ stuck: 1 });
    await bus.close();
  });

  it('rejects wildcards in a published subject and bad durable names', async () => {
    const bus = new MemoryBus();
    await expect(bus.publish('a.*', {})).rejects.toThrow(/invalid token/);
    await expect(bus.subscribe('a.>', () => {}, { durable: 'no.dots' })).rejects.toThrow(/durable consumer name/);
    await bus.close();
  });
});
