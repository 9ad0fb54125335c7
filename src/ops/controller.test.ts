import { describe, expect, it } from 'vitest';
import { GoalController } from './controller.js';

const goals = { tradeTarget: 0.95, tradeWithinMs: 600_000, dailyBudgetMicros: (d: number) => (d < 4 ? 100_000 : 50_000) };
const limits = { minMediators: 4, maxMediators: 40, needsPerMediatorHour: 30, maxModelShare: 0.2 };

describe('GoalController', () => {
  it('spawns and reaps mediators with the demand and explains why', () => {
    const c = new GoalController(goals, limits);
    expect(c.sizeMediators(0, 300)).toBe(15);
    expect(c.sizeMediators(1, 60)).toBe(4);
    expect(c.sizeMediators(2, 5000)).toBe(40);
    expect(c.actions.map((a) => a.kind)).toEqual(['spawn', 'reap', 'spawn']);
    expect(c.actions[0]!.explanation).toBe('spawned 11 mediators (4 → 15): forecast 300 needs/h against 120 needs/h of capacity');
  });

  it('defers model work under budget pressure and never plans past the budget', () => {
    const c = new GoalController(goals, limits);
    // 90k of budget usable, 10k spent, 4 periods: 20k per period; 200 needs at 1000 µ$ each at full share → 0.1
    expect(c.modelShare(0, 0, 10_000, 4, 200, 1_000, 0.2)).toBe(0.1);
    expect(c.actions.at(-1)?.kind).toBe('defer');
    expect(c.modelShare(0, 5, 60_000, 2, 200, 1_000, 0.1)).toBe(0);
    expect(c.modelShare(0, 6, 0, 6, 10, 1_000, 0)).toBe(0.2);
    expect(c.actions.at(-1)?.kind).toBe('resume');
    expect(c.humanRequests).toBe(0);
  });

  it('gates and judges a candidate model on evidence', () => {
    const c = new GoalController(goals, limits);
    expect(c.evalGate(0, 'v2', { calls: 20, errors: 0, costMicros: 30 }, { calls: 20, errors: 0, costMicros: 20 })).toBe(true);
    expect(c.evalGate(0, 'v3', { calls: 20, errors: 0, costMicros: 30 }, { calls: 20, errors: 5, costMicros: 20 })).toBe(false);
    expect(c.judgeCanary(0, 'v2', { calls: 100, errors: 0, costMicros: 30 }, { calls: 5, errors: 0, costMicros: 20 }, 20)).toBe('wait');
    expect(c.judgeCanary(0, 'v2', { calls: 100, errors: 0, costMicros: 30 }, { calls: 50, errors: 10, costMicros: 20 }, 20)).toBe('rollback');
    expect(c.judgeCanary(0, 'v2', { calls: 100, errors: 1, costMicros: 30 }, { calls: 50, errors: 0, costMicros: 20 }, 20)).toBe('promote');
  });
});
