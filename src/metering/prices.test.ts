import { describe, expect, it } from 'vitest';
import { PRICE_TABLE } from './price-table.js';
import { lookupPrice, lookupPriceMatch } from './prices.js';

describe('lookupPrice', () => {
  it('finds canonical ids', () => {
    expect(lookupPrice('gpt-4o')).toEqual({ input: 2.5, output: 10, cached_input: 1.25 });
    expect(lookupPrice('gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6, cached_input: 0.075 });
    expect(lookupPrice('text-embedding-3-small')).toEqual({ input: 0.02, output: 0 });
    expect(lookupPrice('claude-3-5-haiku')).toEqual({ input: 0.8, output: 4, cached_input: 0.08, cache_write: 1 });
  });

  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['OpenAI/GPT-4o-Mini', 'gpt-4o-mini'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['o1-preview', 'o1'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet'],
    ['anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['models/gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-lite', 'gemini-2.5-flash-lite'],
    ['google/gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['mistral-large-2411', 'mistral-large'],
    ['mistral-large-latest', 'mistral-large'],
    ['codestral-2501', 'codestral'],
    ['mistralai/mistral-small-latest', 'mistral-small'],
    ['deepseek-ai/DeepSeek-V3', 'deepseek-chat'],
    ['deepseek/deepseek-r1', 'deepseek-reasoner'],
    ['meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', 'llama-3.1-70b-instruct'],
    ['accounts/fireworks/models/llama-v3p1-8b-instruct', 'llama-3.1-8b-instruct'],
    ['llama-3.3-70b-versatile', 'llama-3.3-70b-instruct'],
    ['Qwen/Qwen2.5-72B-Instruct-Turbo', 'qwen2.5-72b-instruct'],
  ])('maps %s to %s', (raw, id) => {
    expect(lookupPriceMatch(raw)?.id).toBe(id);
    expect(lookupPrice(raw)).toBe(lookupPriceMatch(id)?.price);
  });

  it('prefers a more specific entry over a stripped one', () => {
    expect(lookupPrice('gpt-4o-2024-05-13')).toEqual({ input: 5, output: 15 });
    expect(lookupPriceMatch('gpt-4.1-nano')?.id).toBe('gpt-4.1-nano');
    expect(lookupPriceMatch('gemini-1.5-flash-8b-001')?.id).toBe('gemini-1.5-flash-8b');
  });

  it('does not guess unrelated models', () => {
    for (const id of ['gpt-4o-audio-preview', 'gpt-4o-realtime-preview-2024-12-17', 'my-finetune', 'llama3.1:8b', '', 'claude', 'gpt']) {
      expect(lookupPrice(id), id).toBeUndefined();
    }
  });

  it('ships sane, sourced entries', () => {
    for (const [id, e] of Object.entries(PRICE_TABLE)) {
      expect(id, id).toBe(id.toLowerCase());
      expect(e.input, id).toBeGreaterThanOrEqual(0);
      expect(e.output, id).toBeGreaterThanOrEqual(0);
      if (e.cached_input !== undefined) expect(e.cached_input, id).toBeLessThanOrEqual(e.input);
      if (e.cache_write !== undefined) expect(e.cache_write, id).toBeGreaterThanOrEqual(e.input);
      expect(e.source, id).toMatch(/^https:\/\//);
      expect(e.as_of, id).toMatch(/^20\d\d-\d\d$/);
      // every price must be exact in pico-dollars per token (at most 6 decimals)
      for (const p of [e.input, e.output, e.cached_input ?? 0, e.cache_write ?? 0]) expect(Number.isInteger(Math.round(p * 1e6)) && Math.abs(p * 1e6 - Math.round(p * 1e6)) < 1e-6, `${id} ${p}`).toBe(true);
    }
  });
});
