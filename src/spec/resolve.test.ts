import { describe, expect, it } from 'vitest';
import { parseSpecText } from './loader.js';
import { compileModelCatalog } from './resolve.js';

const spec = parseSpecText(
  `providers:
  sim: { kind: sim }
  openai: { kind: openai, base_url: "https://api.openai.com/v1" }
  anthropic: { kind: anthropic, base_url: "https://api.anthropic.com" }
models:
  gpt-4o: { provider: openai, context_window: 128000 }
  sonnet: { provider: anthropic, upstream: claude-sonnet-4-20250514, max_output_tokens: 64000 }
  custom: { provider: openai, upstream: gpt-4o, price: { input: 1, output: 2 } }
  mystery: { provider: openai, upstream: my-finetune-v7 }
  tiny: { provider: sim, capability: 0.3, ttft_ms: 5, tokens_per_second: 100 }
aliases:
  smart: sonnet
  fast: gpt-4o
  also-fast: gpt-4o
`,
  'r.yaml',
  {},
).spec;

describe('compileModelCatalog', () => {
  const catalog = compileModelCatalog(spec);

  it('resolves names and aliases to the same frozen object', () => {
    const m = catalog.resolve('fast');
    expect(m).toBe(catalog.resolve('gpt-4o'));
    expect(m).toBe(catalog.resolve('also-fast'));
    expect(Object.isFrozen(m)).toBe(true);
    expect(m).toMatchObject({ name: 'gpt-4o', provider: 'openai', providerKind: 'openai', upstream: 'gpt-4o', type: 'chat', contextWindow: 128000, aliases: ['fast', 'also-fast'] });
  });

  it('is undefined for unknown names (no prefix or case tricks)', () => {
    expect(catalog.resolve('nope')).toBeUndefined();
    expect(catalog.resolve('GPT-4O')).toBeUndefined();
    expect(catalog.resolve('toString')).toBeUndefined();
  });

  it('takes prices from the spec, else the table, else zero with priceKnown false', () => {
    expect(catalog.resolve('custom')).toMatchObject({ price: { input: 1, output: 2 }, priceKnown: true, priceSource: 'spec' });
    expect(catalog.resolve('smart')).toMatchObject({
      upstream: 'claude-sonnet-4-20250514',
      price: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
      priceKnown: true,
      priceSource: 'table',
      maxOutputTokens: 64000,
    });
    expect(catalog.resolve('mystery')).toMatchObject({ price: { input: 0, output: 0 }, priceKnown: false, priceSource: 'none' });
  });

  it('carries sim settings', () => {
    expect(catalog.resolve('tiny')).toMatchObject({ providerKind: 'sim', capability: 0.3, ttftMs: 5, tokensPerSecond: 100, priceKnown: false });
  });

  it('lists models and aliases in spec order', () => {
    expect(catalog.list().map((m) => m.name)).toEqual(['gpt-4o', 'sonnet', 'custom', 'mystery', 'tiny']);
    expect(catalog.aliasNames()).toEqual(['smart', 'fast', 'also-fast']);
    expect(catalog.ids()).toEqual(['gpt-4o', 'sonnet', 'custom', 'mystery', 'tiny', 'smart', 'fast', 'also-fast']);
  });
});
