/**
 * The statistics against known values: pass@k / pass^k by hand, McNemar against exact binomial
 * tails (R: binom.test), the bootstrap against degenerate and normal-theory cases, and the MDE.
 */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../errors.js';
import { pairedBootstrap } from './bootstrap.js';
import { mcnemarExact } from './mcnemar.js';
import { minimumDetectableEffect } from './mde.js';
import { passAtK, passHatK } from './pass-at-k.js';

describe('pass@k and pass^k', () => {
  it('match hand-computed values', () => {
    // n=5, c=2, k=2: pass@2 = 1 − C(3,2)/C(5,2) = 1 − 3/10; pass^2 = C(2,2)/C(5,2) = 1/10
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 12);
    expect(passHatK(5, 2, 2)).toBeCloseTo(0.1, 12);
    // n=10, c=3, k=5: 1 − C(7,5)/C(10,5) = 1 − 21/252; C(3,5) = 0
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12);
    expect(passHatK(10, 3, 5)).toBe(0);
    // n=10, c=8, k=3: pass^3 = C(8,3)/C(10,3) = 56/120; pass@3 = 1 (only 2 failures)
    expect(passHatK(10, 8, 3)).toBeCloseTo(56 / 120, 12);
    expect(passAtK(10, 8, 3)).toBe(1);
    // k=1 is the plain success rate
    expect(passAtK(7, 3, 1)).toBeCloseTo(3 / 7, 12);
    expect(passHatK(7, 3, 1)).toBeCloseTo(3 / 7, 12);
    // large n does not overflow
    expect(passAtK(2000, 1000, 10)).toBeCloseTo(1 - 0.5 ** 10, 3);
  });

  it('rejects impossible counts', () => {
    expect(() => passAtK(3, 4, 1)).toThrow(InvalidRequestError);
    expect(() => passHatK(3, 1, 4)).toThrow(InvalidRequestError);
  });
});

describe('McNemar exact test', () => {
  it('equals the two-sided exact binomial p-value', () => {
    // binom.test(2, 12, 0.5)$p.value = 2 · (1 + 12 + 66) / 4096
    expect(mcnemarExact(10, 2).p).toBeCloseTo(158 / 4096, 14);
    expect(mcnemarExact(2, 10).p).toBeCloseTo(158 / 4096, 14);
    // binom.test(0, 6) = 2/64
    expect(mcnemarExact(6, 0).p).toBeCloseTo(2 / 64, 14);
    expect(mcnemarExact(5, 0).p).toBeCloseTo(2 / 32, 14);
    // symmetric counts: p = 1
    expect(mcnemarExact(7, 7).p).toBe(1);
    expect(mcnemarExact(0, 0).p).toBe(1);
    // binom.test(40, 100)$p.value = 0.05688793
    expect(mcnemarExact(60, 40).p).toBeCloseTo(0.05688793, 7);
    // thousands of pairs do not underflow
    const big = mcnemarExact(1100, 900).p;
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(1e-4);
  });
});

describe('paired bootstrap', () => {
  it('gives a zero-width interval when every case changes by the same amount', () => {
    const clusters = Array.from({ length: 20 }, () => ({ sumA: 3, sumB: 1, n: 4 }));
    const ci = pairedBootstrap(clusters, { seed: 1 });
    expect(ci).toEqual({ estimate: -0.5, lo: -0.5, hi: -0.5 });
  });

  it('is reproducible from its seed and close to the normal-theory interval for many clusters', () => {
    const clusters = Array.from({ length: 400 }, (_, i) => ({ sumA: i % 2, sumB: i % 5 === 0 ? 0 : i % 2, n: 1 }));
    const a = pairedBootstrap(clusters, { seed: 9, replicates: 4000 });
    expect(pairedBootstrap(clusters, { seed: 9, replicates: 4000 })).toEqual(a);
    // differences d_i ∈ {−1, 0}: mean and standard error in closed form
    const d = clusters.map((c) => c.sumB - c.sumA);
    const mean = d.reduce((s, x) => s + x, 0) / d.length;
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
    const se = sd / Math.sqrt(d.length);
    expect(a.estimate).toBeCloseTo(mean, 12);
    expect(a.lo).toBeCloseTo(mean - 1.96 * se, 2);
    expect(a.hi).toBeCloseTo(mean + 1.96 * se, 2);
  });

  it('reports relative change', () => {
    const ci = pairedBootstrap([{ sumA: 100, sumB: 150, n: 1 }, { sumA: 100, sumB: 150, n: 1 }], { mode: 'relative' });
    expect(ci.estimate).toBeCloseTo(0.5, 12);
    expect(ci.lo).toBeCloseTo(0.5, 12);
  });
});

describe('minimum detectable effect', () => {
  it('shrinks with n and lies where the binomial arithmetic puts it', () => {
    const m100 = minimumDetectableEffect({ n: 100, seed: 1, simulations: 300 });
    const m500 = minimumDetectableEffect({ n: 500, seed: 1, simulations: 300 });
    expect(m500).toBeLessThan(m100);
    // roughly 1/sqrt(n) scaling
    expect(m100 / m500).toBeGreaterThan(1.6);
    expect(m100 / m500).toBeLessThan(3.2);
    expect(m100).toBeGreaterThan(0.05);
    expect(m100).toBeLessThan(0.3);
    expect(minimumDetectableEffect({ n: 100, seed: 1, simulations: 300 })).toBe(m100);
  });
});
