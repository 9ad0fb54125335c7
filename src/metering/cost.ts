/**
 * Exact cost of a model call in integer micro-dollars.
 *
 * A price of P USD per 1M tokens is exactly P micro-dollars per token. Prices are turned into
 * integer pico-dollars per token (exact for prices with up to six decimals, i.e. any real price
 * list), every token class is multiplied in integers, and the sum is rounded half up to a
 * micro-dollar once at the end: no float drift, and 1,234,567 tokens at $2.50/1M is exactly
 * 3,086,417.5 µ$ → 3,086,418 µ$.
 */
import type { PriceSpec } from '../spec/schema.js';

/** Token counts of one call. */
export interface CostUsage {
  /**
   * All prompt tokens, INCLUDING `cachedTokens` and `cacheWriteTokens` (OpenAI's convention for
   * `prompt_tokens`). Anthropic-style counts must be summed first.
   */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the provider's cache; billed at `cached_input` instead of `input`. */
  cachedTokens: number;
  /** Prompt tokens written to the provider's cache; billed at `cache_write` instead of `input`. */
  cacheWriteTokens?: number;
}

const PICO_PER_MICRO = 1_000_000;

/** USD per 1M tokens → integer pico-dollars per token. */
function picoPerToken(usdPer1M: number): number {
  return Math.round(usdPer1M * PICO_PER_MICRO);
}

function count(n: number | undefined): number {
  return n !== undefined && n > 0 && Number.isFinite(n) ? Math.floor(n) : 0;
}

/**
 * Cost of `usage` at `price`, in integer micro-dollars, rounded half up once.
 * Negative or non-finite counts count as 0; cached + cache-write tokens beyond `inputTokens` are
 * trusted (the uncached part is clamped at 0).
 *
 * @example
 * ```ts
 * costMicros({ inputTokens: 1_234_567, outputTokens: 0, cachedTokens: 0 }, { input: 2.5, output: 10 }); // 3086418
 * ```
 */
export function costMicros(usage: CostUsage, price: PriceSpec): number {
  const cached = count(usage.cachedTokens);
  const written = count(usage.cacheWriteTokens);
  const fresh = Math.max(0, count(usage.inputTokens) - cached - written);
  const out = count(usage.outputTokens);
  const pIn = picoPerToken(price.input);
  const pOut = picoPerToken(price.output);
  const pCached = price.cached_input === undefined ? pIn : picoPerToken(price.cached_input);
  const pWrite = price.cache_write === undefined ? pIn : picoPerToken(price.cache_write);
  // Whole micro-dollars and pico remainders are summed separately so every product stays far
  // below 2^53 (remainders are < 1e6, so exact up to ~9e9 tokens per class).
  const whole =
    fresh * Math.floor(pIn / PICO_PER_MICRO) +
    out * Math.floor(pOut / PICO_PER_MICRO) +
    cached * Math.floor(pCached / PICO_PER_MICRO) +
    written * Math.floor(pWrite / PICO_PER_MICRO);
  const pico =
    fresh * (pIn % PICO_PER_MICRO) + out * (pOut % PICO_PER_MICRO) + cached * (pCached % PICO_PER_MICRO) + written * (pWrite % PICO_PER_MICRO);
  return whole + Math.floor(pico / PICO_PER_MICRO) + (pico % PICO_PER_MICRO >= PICO_PER_MICRO / 2 ? 1 : 0);
}

/**
 * Micro-dollars as a plain decimal USD string with six decimals trimmed of trailing zeros (at
 * least two kept), for headers and JSON: `3086418` → `3.086418`, `2500000` → `2.50`.
 */
export function usdDecimal(micros: number): string {
  const m = Math.trunc(micros);
  const neg = m < 0;
  const abs = Math.abs(m);
  const whole = Math.floor(abs / 1_000_000);
  let frac = String(abs % 1_000_000).padStart(6, '0');
  while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/**
 * Micro-dollars for people: `$3.086418`, `$2.50`, `$0.00015`, `-$1.00`.
 *
 * @example
 * ```ts
 * formatUsd(3_086_418); // '$3.086418'
 * ```
 */
export function formatUsd(micros: number): string {
  const s = usdDecimal(micros);
  return s.startsWith('-') ? `-$${s.slice(1)}` : `$${s}`;
}
