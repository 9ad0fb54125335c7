import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { PeriodicTask } from './scheduler.js';

describe('ManualClock and PeriodicTask', () => {
  it('runs timers in time order as time advances', async () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    clock.setTimer(() => seen.push(`b@${clock.now()}`), 200);
    clock.setTimer(() => seen.push(`a@${clock.now()}`), 100);
    const t = clock.setTimer(() => seen.push('never'), 150);
    t.cancel();
    await clock.advance(150);
    expect(seen).toEqual(['a@1100']);
    await clock.advance(100);
    expect(seen).toEqual(['a@1100', 'b@1200']);
    expect(clock.now()).toBe(1250);
  });

  it('ticks on schedule without overlapping, and reports errors', async () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const errors: unknown[] = [];
    const task = new PeriodicTask({
      clock, intervalMs: 1000, onError: (e) => errors.push(e),
      tick: async () => {
        ticks.push(clock.now());
        if (ticks.length === 2) throw new Error('boom');
      },
    });
    task.start();
    await clock.advance(999);
    expect(ticks).toEqual([]);
    await clock.advance(1);
    await clock.advance(1000);
    await clock.advance(1000);
    expect(ticks).toEqual([1000, 2000, 3000]);
    expect(errors).toHaveLength(1);
    await task.stop();
    await clock.advance(5000);
    expect(ticks).toHaveLength(3);
  });
});
