import { describe, expect, it } from 'vitest';
import { SimClock } from './clock.js';

describe('SimClock', () => {
  it('fires timers in time order and jumps time between them', async () => {
    const c = new SimClock(0);
    const seen: [string, number][] = [];
    c.setTimer(5_000, () => void seen.push(['b', c.now()]));
    c.setTimer(1_000, () => void seen.push(['a', c.now()]));
    const t = c.setTimer(3_000, () => void seen.push(['cancelled', c.now()]));
    c.clearTimer(t);
    c.setTimer(5_000, () => void seen.push(['c', c.now()]));
    const wall = Date.now();
    await c.run();
    expect(seen).toEqual([['a', 1_000], ['b', 5_000], ['c', 5_000]]);
    expect(Date.now() - wall).toBeLessThan(500);
  });

  it('waits for tracked async work before moving time on, and lets sleeping work sleep', async () => {
    const c = new SimClock(0);
    const log: string[] = [];
    c.setTimer(10, async () => {
      await new Promise((r) => setTimeout(r, 30)); // real async work at t=10
      log.push(`work done at ${c.now()}`);
      await c.sleep(1_000); // simulated wait inside tracked work
      log.push(`woke at ${c.now()}`);
    });
    c.setTimer(20, () => void log.push(`timer at ${c.now()}`));
    await c.run();
    expect(log).toEqual(['work done at 10', 'timer at 20', 'woke at 1010']);
  });

  it('stops at `until` and reports errors of callbacks without stopping', async () => {
    const c = new SimClock(0);
    let n = 0;
    c.setTimer(1, () => {
      throw new Error('boom');
    });
    c.setTimer(2, () => void n++);
    c.setTimer(100, () => void n++);
    await c.run(50);
    expect(n).toBe(1);
    expect(c.now()).toBe(50);
    expect(c.errors).toHaveLength(1);
  });
});
