import { describe, expect, it } from 'vitest';
import { costMicros } from '../metering/cost.js';
import { DEFAULT_SPEC_YAML, loadDefaultSpec } from './default-spec.js';
import { parseSpecText } from './loader.js';
import { compileModelCatalog } from './resolve.js';

describe('loadDefaultSpec', () => {
  it('loads the embedded default: sim provider, three models, one tenant and team, no keys', () => {
    const { spec, source, hash } = loadDefaultSpec();
    expect(source).toBe('(embedded default)');
    expect(hash).toBe(parseSpecText(DEFAULT_SPEC_YAML, 'copy.yaml', {}).hash);
    expect(spec.providers).toEqual({ sim: expect.objectContaining({ kind: 'sim' }) });
    expect(Object.keys(spec.models)).toEqual(['sim-small', 'sim-large', 'sim-embed']);
    expect(spec.tenants).toHaveProperty('default');
    expect(spec.teams.default).toMatchObject({ tenant: 'default' });
    expect(spec.keys).toEqual({});
    expect(Object.isFrozen(spec.models)).toBe(true);
  });

  it('resolves its aliases to priced models', () => {
    const catalog = compileModelCatalog(loadDefaultSpec().spec);
    expect(catalog.resolve('small')).toBe(catalog.resolve('sim-small'));
    expect(catalog.resolve('default')?.name).toBe('sim-small');
    const large = catalog.resolve('large');
    expect(large).toMatchObject({ name: 'sim-large', provider: 'sim', providerKind: 'sim', capability: 0.9, contextWindow: 128000, priceKnown: true });
    expect(large?.price).toEqual({ input: 2.5, output: 10, cached_input: 1.25 });
    expect(catalog.resolve('sim-small')).toMatchObject({ capability: 0.6, contextWindow: 128000, price: { input: 0.15, output: 0.6, cached_input: 0.075 } });
    expect(catalog.resolve('sim-embed')).toMatchObject({ type: 'embedding', dimensions: 256, price: { input: 0.02, output: 0 } });
    expect(catalog.ids()).toEqual(['sim-small', 'sim-large', 'sim-embed', 'small', 'large', 'default']);
  });

  it('prices a million sim-small tokens like gpt-4o-mini', () => {
    const small = compileModelCatalog(loadDefaultSpec().spec).resolve('small')!;
    expect(costMicros({ inputTokens: 1_000_000, outputTokens: 1_000_000, cachedTokens: 0 }, small.price)).toBe(750_000);
  });
});
