import { describe, expect, it } from 'vitest';
import { binomialUpperTail, bootstrapMeanChange, normalCdf, twoProportionTest } from './stats.js';

describe('rollout statistics', () => {
  it('normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
  });

  it('exact binomial tail against a ceiling', () => {
    expect(binomialUpperTail(3, 10, 0.02)).toBeCloseTo(0.000863, 5);
    expect(binomialUpperTail(0, 10, 0.02)).toBe(1);
    expect(binomialUpperTail(1, 1, 0.5)).toBeCloseTo(0.5, 10);
    // 2 errors in 100 at a 2% ceiling is not evidence of breach
    expect(binomialUpperTail(2, 100, 0.02)).toBeGreaterThan(0.3);
  });

  it('two-proportion test is one-sided and honours the margin', () => {
    const big = twoProportionTest(10, 100, 40, 100);
    expect(big.diff).toBeCloseTo(0.3);
    expect(big.p).toBeLessThan(1e-5);
    expect(twoProportionTest(40, 100, 10, 100).p).toBeGreaterThan(0.99); // the other direction
    expect(twoProportionTest(10, 100, 40, 100, 0.25).p).toBeGreaterThan(0.05); // +30 pp is not surely > +25 pp at n=100
    expect(twoProportionTest(0, 0, 5, 10).p).toBe(1);
    expect(twoProportionTest(0, 50, 0, 50).p).toBeCloseTo(0.5, 5);
  });

  it('bootstrap of a mean change is seeded and brackets the estimate', () => {
    const a = Array.from({ length: 200 }, (_, i) => 100 + (i % 10));
    const b = a.map((x) => x * 1.5);
    const ci = bootstrapMeanChange(a, b, { seed: 3 })!;
    expect(ci.estimate).toBeCloseTo(0.5, 6);
    expect(ci.lo).toBeLessThanOrEqual(ci.estimate);
    expect(ci.hi).toBeGreaterThanOrEqual(ci.estimate);
    expect(ci.lo).toBeGreaterThan(0.4);
    expect(bootstrapMeanChange(a, b, { seed: 3 })).toEqual(ci);
    expect(bootstrapMeanChange([], b)).toBeNull();
    expect(bootstrapMeanChange([1, 2], [3, 4], { mode: 'absolute', seed: 1 })!.estimate).toBe(2);
  });
});
