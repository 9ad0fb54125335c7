import { describe, expect, it } from 'vitest';
import { p50p95 } from './percentile.js';

describe('percentiles', () => {
  it('sorts numerically, not as strings', () => {
    expect(p50p95([100, 9, 20, 3])).toEqual({ p50: 14.5, p95: 88 });
  });

  it('interpolates p50 and p95 (numpy default), rounded to 0.01; null for none', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(p50p95(hundred)).toEqual({ p50: 50.5, p95: 95.05 });
    expect(p50p95([7])).toEqual({ p50: 7, p95: 7 });
    expect(p50p95([])).toEqual({ p50: null, p95: null });
  });
});
