import { describe, expect, it } from 'vitest';
import { p50p95, quantile, quantileSorted } from './percentile.js';

describe('percentiles', () => {
  it('interpolates between closest ranks (numpy default)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 1, 5], 0.5)).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(hundred, 0.95)).toBeCloseTo(95.05, 10);
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([7], 0.95)).toBe(7);
  });

  it('sorts numerically, not as strings', () => {
    expect(p50p95([100, 9, 20, 3])).toEqual({ p50: 14.5, p95: 88 });
  });
});
