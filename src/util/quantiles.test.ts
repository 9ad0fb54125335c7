import { describe, expect, it } from 'vitest';
import {
  median,
  medianSorted,
  quantileFloorIndex,
  quantileFloorIndexSorted,
  quantileLinear,
  quantileLinearSorted,
  quantileNearestRank,
  quantileNearestRankSorted,
  sortedCopy,
} from './quantiles.js';

/** A seeded list of small integers with ties (so rank definitions are exercised on repeats). */
function sample(seed: number, n: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s % 50);
  }
  return out;
}

const share = (xs: readonly number[], x: number): number => xs.filter((v) => v <= x).length;

describe('quantiles', () => {
  it('return null for no values, whatever the definition', () => {
    for (const f of [quantileLinear, quantileNearestRank, quantileFloorIndex, quantileLinearSorted, quantileNearestRankSorted, quantileFloorIndexSorted]) {
      expect(f([], 0.5)).toBeNull();
    }
    expect(median([])).toBeNull();
    expect(medianSorted([])).toBeNull();
  });

  it('give the one value of a single-element list at any q', () => {
    for (const q of [0, 0.01, 0.5, 0.99, 1]) {
      expect(quantileLinear([7], q)).toBe(7);
      expect(quantileNearestRank([7], q)).toBe(7);
      expect(quantileFloorIndex([7], q)).toBe(7);
    }
    expect(median([7])).toBe(7);
  });

  it('tell the three definitions apart on an even count', () => {
    const v = [4, 1, 3, 2];
    expect(quantileLinear(v, 0.5)).toBe(2.5);
    expect(quantileNearestRank(v, 0.5)).toBe(2);
    expect(quantileFloorIndex(v, 0.5)).toBe(3);
    expect(median(v)).toBe(2.5);
    expect(quantileLinear(v, 0.25)).toBe(1.75);
    expect(quantileNearestRank(v, 0.25)).toBe(1);
    expect(quantileFloorIndex(v, 0.25)).toBe(2);
  });

  it('agree on the middle of an odd count', () => {
    const v = [5, 1, 9, 3, 7];
    expect(quantileLinear(v, 0.5)).toBe(5);
    expect(quantileNearestRank(v, 0.5)).toBe(5);
    expect(quantileFloorIndex(v, 0.5)).toBe(5);
    expect(median(v)).toBe(5);
  });

  it('interpolate linearly between ranks (numpy type 7)', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileLinear(hundred, 0.95)).toBeCloseTo(95.05, 10);
    expect(quantileLinear(hundred, 0.99)).toBeCloseTo(99.01, 10);
    expect(quantileLinear([10, 1, 5], 0.95)).toBeCloseTo(9.5, 10);
    // At a whole rank the value is exact, even next to an infinite one (bootstrap ratios can be).
    expect(quantileLinearSorted([1, 2, Infinity], 0.5)).toBe(2);
  });

  it('take the nearest rank at the tail', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantileNearestRank(hundred, 0.95)).toBe(95);
    expect(quantileNearestRank(hundred, 0.99)).toBe(99);
    expect(quantileFloorIndex(hundred, 0.95)).toBe(96);
    expect(quantileFloorIndex(hundred, 0.99)).toBe(100);
    expect(quantileNearestRank([40, 10, 30, 20], 0.95)).toBe(40);
  });

  it('clamp q to [0, 1]: min and max at and beyond the ends', () => {
    const v = [3, 1, 2];
    for (const f of [quantileLinear, quantileNearestRank, quantileFloorIndex]) {
      expect(f(v, 0)).toBe(1);
      expect(f(v, -1)).toBe(1);
      expect(f(v, 1)).toBe(3);
      expect(f(v, 2)).toBe(3);
    }
  });

  it('match their definitions on seeded data with ties', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const v = sample(seed, 1 + (seed % 17));
      const n = v.length;
      for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]) {
        const nr = quantileNearestRank(v, q)!;
        // nearest rank: the smallest value with at least q·n values at or below it
        expect(share(v, nr)).toBeGreaterThanOrEqual(q * n);
        expect(v.filter((x) => x < nr).length).toBeLessThan(q * n);
        // floor index: the smallest value with more than q·n at or below it (or the max)
        const fi = quantileFloorIndex(v, q)!;
        if (fi !== Math.max(...v)) expect(share(v, fi)).toBeGreaterThan(q * n);
        expect(v.filter((x) => x < fi).length).toBeLessThanOrEqual(q * n);
        // linear: between the two neighbouring order statistics
        const s = [...v].sort((a, b) => a - b);
        const pos = (n - 1) * q;
        const lin = quantileLinear(v, q)!;
        expect(lin).toBeGreaterThanOrEqual(s[Math.floor(pos)]!);
        expect(lin).toBeLessThanOrEqual(s[Math.ceil(pos)]!);
      }
    }
  });

  it('leave unsorted input untouched, and the sorted variants do not sort', () => {
    const v = [5, 3, 9, 1];
    const before = [...v];
    quantileLinear(v, 0.9);
    quantileNearestRank(v, 0.9);
    quantileFloorIndex(v, 0.9);
    median(v);
    sortedCopy(v);
    expect(v).toEqual(before);
    // The …Sorted variants read positions as given: on unsorted input they are wrong, by contract.
    expect(quantileNearestRankSorted(v, 0.25)).toBe(5);
    expect(quantileNearestRank(v, 0.25)).toBe(1);
  });

  it('sort numerically, not as strings', () => {
    expect([...sortedCopy([10, 9, 100, -1])]).toEqual([-1, 9, 10, 100]);
    expect(median([10, 9, 100])).toBe(10);
  });

  it('take the median as the mean of the two middle values', () => {
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(medianSorted(Float64Array.from([1, 2, 4, 8]))).toBe(3);
  });
});
