import { describe, expect, it } from 'vitest';
import { SimClock } from '../../orchestration/clock.js';
import { rng } from '../../orchestration/rng.js';
import { SupportDesk, type Draft } from './support-desk.js';

const drafts = (fail: () => boolean) => async (): Promise<Draft> => (fail() ? { ok: false, correct: false, costMicros: 0, model: 'm' } : { ok: true, correct: true, costMicros: 10, model: 'm' });

describe('SupportDesk', () => {
  it('resolves every ticket with the agents it has, and retries drafts that failed', async () => {
    const clock = new SimClock(0);
    let down = true;
    clock.setTimer(60 * 60_000, () => void (down = false)); // every first draft (15-40 min in) fails
    const desk = new SupportDesk({ clock, rng: rng(1), draft: drafts(() => down) });
    desk.setAgents(2);
    for (let i = 0; i < 6; i++) desk.open(0.2);
    expect(desk.inProgress).toBe(2);
    expect(desk.queueDepth).toBe(4);
    await clock.run(24 * 3_600_000);
    expect(desk.resolved.map((r) => r.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Math.min(...desk.resolved.map((r) => r.resolvedAt))).toBeGreaterThan(60 * 60_000);
    expect(desk.costMicros).toBe(60);
  });

  it('puts the tickets of crashed agents back in the queue and works them with new agents', async () => {
    const clock = new SimClock(0);
    const desk = new SupportDesk({ clock, rng: rng(2), draft: drafts(() => false) });
    desk.setAgents(3);
    desk.concurrency = 2;
    for (let i = 0; i < 6; i++) desk.open(0.2);
    expect(desk.inProgress).toBe(6);
    const lost = desk.crash(2);
    expect(lost).toHaveLength(4);
    expect(desk.queueDepth).toBe(4);
    desk.setAgents(3);
    await clock.run(24 * 3_600_000);
    expect(desk.resolved).toHaveLength(6);
  });

  it('reaps idle agents at once and busy ones after their tickets', async () => {
    const clock = new SimClock(0);
    const desk = new SupportDesk({ clock, rng: rng(3), draft: drafts(() => false) });
    desk.setAgents(4);
    desk.open(0.2);
    desk.setAgents(0);
    expect(desk.agentCount).toBe(0);
    expect(desk.inProgress).toBe(1);
    await clock.run(24 * 3_600_000);
    expect(desk.resolved).toHaveLength(1);
  });
});
