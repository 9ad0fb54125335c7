/**
 * The Bus contract as a test suite, run against every implementation (memory in unit tests,
 * NATS JetStream in integration tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotent } from './idempotent.js';
import type { Bus, BusJson, BusMessage } from './types.js';

/** Polls `cond` until it holds (or fails the test after `ms`). */
export async function until(cond: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs the contract on buses made by `open` (a fresh, isolated bus per call). */
export function busSuite(name: string, open: () => Promise<Bus>, cleanup: (b: Bus) => Promise<void> = (b) => b.close()): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await open();
    });
    afterAll(async () => {
      await cleanup(bus);
    });

    it('routes by subject with * and > wildcards', async () => {
      const one: string[] = [];
      const all: string[] = [];
      const s1 = await bus.subscribe('w.*.c', (m) => void one.push(m.subject));
      const s2 = await bus.subscribe('w.>', (m) => void all.push(m.subject));
      for (const s of ['w.b.c', 'w.b.d', 'w.x.c', 'w.b.c.d', 'v.b.c']) await bus.publish(s, { s });
      await until(() => all.length === 4 && one.length === 2, 5_000, 'deliveries');
      expect(one.sort()).toEqual(['w.b.c', 'w.x.c']);
      expect(all.sort()).toEqual(['w.b.c', 'w.b.c.d', 'w.b.d', 'w.x.c']);
      await s1.unsubscribe();
      await s2.unsubscribe();
    });

    it('drops a republished message id inside the duplicate window', async () => {
      const got: BusMessage<BusJson>[] = [];
      const s = await bus.subscribe('dup.>', (m) => void got.push(m));
      const a = await bus.publish('dup.x', { n: 1 }, { id: 'dup-1' });
      const b = await bus.publish('dup.x', { n: 1 }, { id: 'dup-1' });
      await bus.publish('dup.x', { n: 2 }, { id: 'dup-2' });
      await until(() => got.length === 2, 5_000, 'two messages');
      await new Promise((r) => setTimeout(r, 100));
      expect(a.duplicate).toBe(false);
      expect(b).toEqual({ seq: a.seq, duplicate: true });
      expect(got.map((m) => m.id)).toEqual(['dup-1', 'dup-2']);
      await s.unsubscribe();
    });

    it('redelivers a message whose handler throws, then dead-letters it after maxDeliver', async () => {
      const seen: number[] = [];
      const dead: string[] = [];
      const s = await bus.subscribe(
        'retry.>',
        (m) => {
          seen.push(m.deliveries);
          if ((m.data as { failTimes: number }).failTimes >= m.deliveries) throw new Error('not yet');
        },
        { retryDelayMs: 20, maxDeliver: 3, onDeadLetter: (m) => void dead.push(m.id) },
      );
      await bus.publish('retry.ok', { failTimes: 2 }, { id: 'r-ok' });
      await until(() => seen.length === 3, 10_000, 'three deliveries');
      await bus.publish('retry.bad', { failTimes: 9 }, { id: 'r-bad' });
      await until(() => dead.length === 1, 10_000, 'dead letter');
      expect(seen).toEqual([1, 2, 3, 1, 2, 3]);
      expect(dead).toEqual(['r-bad']);
      await s.unsubscribe();
    });

    it('a durable consumer resumes after the last message it handled', async () => {
      const got: number[] = [];
      const h = (m: BusMessage<BusJson>): void => void got.push((m.data as { n: number }).n);
      let s = await bus.subscribe('dur.>', h, { durable: 'dur-test' });
      await bus.publish('dur.a', { n: 1 });
      await bus.publish('dur.a', { n: 2 });
      await until(() => got.length === 2, 5_000, 'first two');
      await s.unsubscribe();
      for (const n of [3, 4, 5]) await bus.publish('dur.b', { n });
      s = await bus.subscribe('dur.>', h, { durable: 'dur-test' });
      await until(() => got.length === 5, 5_000, 'the three published while away');
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual([1, 2, 3, 4, 5]);
      await s.unsubscribe();
      await bus.deleteDurable('dur-test');
    });

    it('subscribers of one durable share its messages (work queue)', async () => {
      const a: number[] = [];
      const b: number[] = [];
      const slow = (arr: number[]) => async (m: BusMessage<BusJson>) => {
        arr.push((m.data as { n: number }).n);
        await new Promise((r) => setTimeout(r, 2));
      };
      const s1 = await bus.subscribe('wq.>', slow(a), { durable: 'wq-test' });
      const s2 = await bus.subscribe('wq.>', slow(b), { durable: 'wq-test' });
      for (let n = 0; n < 40; n++) await bus.publish('wq.job', { n });
      await until(() => a.length + b.length === 40, 10_000, 'all jobs');
      await new Promise((r) => setTimeout(r, 100));
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      await s1.unsubscribe();
      await s2.unsubscribe();
      await bus.deleteDurable('wq-test');
    });

    it('replays from the start or from a sequence', async () => {
      const first = await bus.publish('rp.x', { n: 1 });
      await bus.publish('rp.x', { n: 2 });
      await bus.publish('rp.y', { n: 3 });
      const all: number[] = [];
      const fromSeq: number[] = [];
      const s1 = await bus.subscribe('rp.>', (m) => void all.push((m.data as { n: number }).n), { from: 'all' });
      const s2 = await bus.subscribe('rp.>', (m) => void fromSeq.push((m.data as { n: number }).n), { from: { seq: first.seq + 1 } });
      await until(() => all.length === 3 && fromSeq.length === 2, 5_000, 'replays');
      expect(all).toEqual([1, 2, 3]);
      expect(fromSeq).toEqual([2, 3]);
      await s1.unsubscribe();
      await s2.unsubscribe();
    });

    it('idempotent handlers apply a duplicated delivery once', async () => {
      const applied: string[] = [];
      let calls = 0;
      const s = await bus.subscribe(
        'idem.>',
        idempotent(
          (m) => {
            calls++;
            if (calls === 1) throw new Error('crash before the effect');
            applied.push((m.data as { key: string }).key);
          },
          undefined,
          (m) => (m.data as { key: string }).key,
        ),
        { retryDelayMs: 20 },
      );
      await bus.publish('idem.pay', { key: 'pay-1' }, { id: 'p1' });
      await bus.publish('idem.pay', { key: 'pay-1' }, { id: 'p1-again' }); // a retried publish with a new id
      await bus.publish('idem.pay', { key: 'pay-2' }, { id: 'p2' });
      await until(() => applied.length === 2, 5_000, 'two effects');
      await new Promise((r) => setTimeout(r, 150));
      expect(applied.sort()).toEqual(['pay-1', 'pay-2']);
      await s.unsubscribe();
    });
  });
}
