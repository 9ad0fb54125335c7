/**
 * The gate decision on synthetic paired runs with known discordant counts.
 */
import { describe, expect, it } from 'vitest';
import { compareRuns } from './compare.js';
import { decideGate } from './gate.js';
import { syntheticRun } from './testing/synthetic-run.js';

const base = syntheticRun('base', { cases: 50, personas: ['neutral', 'novice'], trials: 2, passed: (c) => c % 10 !== 0 }); // 90 %
const opts = { cases: 50, personas: ['neutral', 'novice'], trials: 2 };

describe('decideGate', () => {
  it('fails a significant regression larger than the minimum effect, naming the statistics', () => {
    // candidate also fails cases 1, 2, 3 (mod 10) → 30 regressed pairs, none improved
    const cand = syntheticRun('cand', { ...opts, passed: (c) => c % 10 > 3 });
    const cmp = compareRuns(base, cand, { seed: 1 });
    expect(cmp.mcnemar).toMatchObject({ b: 60, c: 0 });
    const d = decideGate(cmp, { alpha: 0.05, min_effect: 0.05 });
    expect(d.passed).toBe(false);
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatch(/^regression: pass rate 60\.0% vs baseline 90\.0% \(-30\.0 pp, 95% CI \[-\d+\.\d pp, -\d+\.\d pp\]\); McNemar b=60 c=0 p=1\.73e-18 < alpha 0\.05; drop 30\.0 pp ≥ min effect 5\.0 pp: significantly worse$/);
  });

  it('passes a significant drop below the minimum effect, and improvements', () => {
    // one more failing case: 4 regressed pairs, p = 0.125 → not significant; raise to 8 cases for significance
    const small = syntheticRun('small', { ...opts, passed: (c) => c % 10 !== 0 && c !== 1 });
    const s = decideGate(compareRuns(base, small), { alpha: 0.05, min_effect: 0.05 });
    expect(s.passed).toBe(true);
    expect(s.checks[0]!.detail).toMatch(/b=4 c=0 p=0\.1250 ≥ alpha .*: no significant regression/);
    const mid = syntheticRun('mid', { ...opts, passed: (c) => c % 10 !== 0 && c !== 1 && c !== 2 });
    const m = decideGate(compareRuns(base, mid), { alpha: 0.05, min_effect: 0.05 });
    expect(m.passed).toBe(true);
    expect(m.checks[0]!.detail).toMatch(/b=8 c=0 p=0\.0078 < alpha .*drop 4\.0 pp < min effect 5\.0 pp: significant but below the minimum effect/);
    expect(decideGate(compareRuns(base, mid), { alpha: 0.05, min_effect: 0.03 }).passed).toBe(false);
    const better = syntheticRun('better', { ...opts, passed: () => true });
    expect(decideGate(compareRuns(base, better), { alpha: 0.05, min_effect: 0 }).passed).toBe(true);
  });

  it('applies floors and relative cost/latency limits', () => {
    const pricey = syntheticRun('pricey', { ...opts, passed: (c) => c % 10 !== 0, cost: 80, latency: 300 });
    const d = decideGate(compareRuns(base, pricey), {
      alpha: 0.05,
      min_effect: 0.05,
      min_pass_rate: 0.95,
      max_hallucination_rate: 0.05,
      max_cost_per_task_usd: 0.00005,
      max_p95_latency_ms: 200,
      max_cost_increase: 0.2,
      max_latency_increase: 0.5,
    });
    expect(d.checks.map((c) => [c.name, c.ok])).toEqual([
      ['regression', true],
      ['min_pass_rate', false],
      ['max_hallucination_rate', false],
      ['max_cost_per_task', false],
      ['max_p95_latency', false],
      ['cost_increase', false],
      ['latency_increase', false],
    ]);
    expect(d.reasons).toContain('cost_increase: cost per task change 60.0% (CI [60.0%, 60.0%]) vs allowed +20.0%');
    expect(d.reasons).toContain('max_cost_per_task: cost per task $0.000080 > ceiling $0.00005');
  });

  it('fails when the runs share no trials', () => {
    const other = syntheticRun('other', { cases: 3, personas: ['x'], trials: 1, passed: () => true });
    const d = decideGate(compareRuns(base, other), { alpha: 0.05, min_effect: 0.05 });
    expect(d.passed).toBe(false);
    expect(d.reasons).toContain('pairs: no paired trials: the runs share no case|persona|trial keys');
  });
});
