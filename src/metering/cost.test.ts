import { describe, expect, it } from 'vitest';
import { costMicros, formatUsd, usdDecimal } from './cost.js';

const gpt4o = { input: 2.5, output: 10, cached_input: 1.25 };
const sonnet = { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 };

describe('costMicros', () => {
  it('is exact and rounds half up once: 1,234,567 tokens at $2.50/1M', () => {
    // 1_234_567 × 2.5 µ$ = 3_086_417.5 µ$ → 3_086_418
    expect(costMicros({ inputTokens: 1_234_567, outputTokens: 0, cachedTokens: 0 }, gpt4o)).toBe(3_086_418);
    expect(costMicros({ inputTokens: 0, outputTokens: 1_234_567, cachedTokens: 0 }, gpt4o)).toBe(12_345_670);
  });

  it('rounds only once, at the end', () => {
    // a cached token costs 0.075 µ$: 6 of them 0.45 → 0, 7 of them 0.525 → 1
    const mini = { input: 0.15, output: 0.6, cached_input: 0.075 };
    expect(costMicros({ inputTokens: 6, outputTokens: 0, cachedTokens: 6 }, mini)).toBe(0);
    expect(costMicros({ inputTokens: 7, outputTokens: 0, cachedTokens: 7 }, mini)).toBe(1);
    // 3 fresh (0.45 µ$) + 1 cached (0.075 µ$) = 0.525 → 1, where rounding each class would give 0 + 0
    expect(costMicros({ inputTokens: 4, outputTokens: 0, cachedTokens: 1 }, mini)).toBe(1);
    expect(costMicros({ inputTokens: 1, outputTokens: 0, cachedTokens: 0 }, { input: 0.5, output: 0 })).toBe(1);
    expect(costMicros({ inputTokens: 1, outputTokens: 0, cachedTokens: 0 }, { input: 0.499999, output: 0 })).toBe(0);
  });

  it('has no float drift where naive float math drifts', () => {
    // 0.1 + 0.2 style: 3 tokens × 0.1 µ$ + 3 × 0.2 µ$ = 0.9 → 1 (float: 0.30000000000000004 + 0.6000000000000001)
    expect(costMicros({ inputTokens: 3, outputTokens: 3, cachedTokens: 0 }, { input: 0.1, output: 0.2 })).toBe(1);
    // 10M tokens of each class at awkward prices, checked against BigInt arithmetic
    const usage = { inputTokens: 10_000_003, outputTokens: 7_777_777, cachedTokens: 3_333_333, cacheWriteTokens: 1_111_111 };
    const price = { input: 0.0375, output: 0.15, cached_input: 0.01875, cache_write: 0.046875 };
    const pico = (p: number) => BigInt(Math.round(p * 1e6));
    const fresh = BigInt(usage.inputTokens - usage.cachedTokens - usage.cacheWriteTokens);
    const total =
      fresh * pico(price.input) + BigInt(usage.outputTokens) * pico(price.output) + BigInt(usage.cachedTokens) * pico(price.cached_input) + BigInt(usage.cacheWriteTokens) * pico(price.cache_write);
    expect(costMicros(usage, price)).toBe(Number((total + 500_000n) / 1_000_000n));
  });

  it('bills cached tokens at cached_input and cache writes at cache_write, inside inputTokens', () => {
    // 1M prompt tokens of which 600k cached and 100k written: 300k×3 + 600k×0.3 + 100k×3.75 + 200k out×15
    expect(costMicros({ inputTokens: 1_000_000, outputTokens: 200_000, cachedTokens: 600_000, cacheWriteTokens: 100_000 }, sonnet)).toBe(
      900_000 + 180_000 + 375_000 + 3_000_000,
    );
  });

  it('defaults cached and cache-write prices to the input price', () => {
    expect(costMicros({ inputTokens: 1000, outputTokens: 0, cachedTokens: 400, cacheWriteTokens: 100 }, { input: 1, output: 0 })).toBe(1000);
  });

  it('handles huge prices and counts exactly', () => {
    expect(costMicros({ inputTokens: 2_000_000, outputTokens: 2_000_000, cachedTokens: 0 }, { input: 150, output: 600 })).toBe(1_500_000_000);
  });

  it('treats negative, fractional or non-finite counts safely', () => {
    expect(costMicros({ inputTokens: -5, outputTokens: Number.NaN, cachedTokens: 0 }, gpt4o)).toBe(0);
    expect(costMicros({ inputTokens: 10, outputTokens: 0, cachedTokens: 50 }, gpt4o)).toBe(63); // 50 × 1.25 = 62.5 → 63
  });
});

describe('formatting', () => {
  it('formats micro-dollars exactly', () => {
    expect(formatUsd(3_086_418)).toBe('$3.086418');
    expect(formatUsd(2_500_000)).toBe('$2.50');
    expect(formatUsd(150)).toBe('$0.00015');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(-1_000_000)).toBe('-$1.00');
    expect(formatUsd(123_456_789_012)).toBe('$123456.789012');
    expect(usdDecimal(7)).toBe('0.000007');
    expect(usdDecimal(-500)).toBe('-0.0005');
  });
});
