import { describe, expect, it } from 'vitest';
import { costMicros } from '../metering/cost.js';
import { createProviders } from '../providers/registry.js';
import type { ChatRequest } from '../providers/types.js';
import { parseSpecText } from '../spec/loader.js';
import { compileModelCatalog } from '../spec/resolve.js';
import { createCostEngines } from './cost-engines.js';
import type { OptimiseRequest } from './optimiser.js';
import type { ModelCall } from './routing/routing-types.js';

const spec = parseSpecText(
  `
providers: { sim: { kind: sim, seed: 5 } }
models:
  gpt-4o-mini: { provider: sim, capability: 0.6 }
  gpt-4o: { provider: sim, capability: 0.9 }
tenants: { acme: {}, globex: {} }
teams: { care: { tenant: acme } }
cache:
  exact: { enabled: true, ttl_s: 60 }
  semantic: { enabled: true, threshold: 0.85 }
agents:
  support:
    team: care
    cache: { semantic: true }
    routing: { policy: router, models: [gpt-4o-mini, gpt-4o], rules: [{ when: { task: faq }, model: gpt-4o-mini }], default: gpt-4o }
  writer: { team: care }
`,
  'cost.yaml',
  {},
).spec;
const catalog = compileModelCatalog(spec);
const providers = createProviders(spec);

function call(log: string[]): ModelCall {
  return async (model, req) => {
    const m = catalog.resolve(model)!;
    log.push(model);
    const result = await providers.get(m.provider)!.chat({ ...req, model: m.upstream }, { signal: new AbortController().signal, requestId: 't' });
    return { result, costMicros: costMicros({ inputTokens: result.usage.prompt_tokens, outputTokens: result.usage.completion_tokens, cachedTokens: 0 }, m.price) };
  };
}
const req = (text: string): ChatRequest => ({ model: 'gpt-4o', messages: [{ role: 'user', content: text }], temperature: 0 });
const r = (text: string, over: Partial<OptimiseRequest> = {}): OptimiseRequest => ({ tenant: 'acme', agent: 'support', tags: { task: 'faq' }, model: 'gpt-4o', req: req(text), ...over });

describe('CostOptimiser from the spec', () => {
  it('routes, caches exactly and semantically, per tenant, and reports savings', async () => {
    const { optimiser, active } = createCostEngines(spec, { catalog, providers });
    expect(active).toBe(true);
    const log: string[] = [];
    const first = await optimiser.chat(r('What is the return window for the kettle?'), call(log));
    expect(first).toMatchObject({ cache: 'miss', model: 'gpt-4o-mini', decision: { policy: 'router', model: 'gpt-4o-mini' } });
    expect(first.savedMicros).toBeGreaterThan(0); // answered by the cheaper model than the one asked for
    expect(log).toEqual(['gpt-4o-mini']);

    const again = await optimiser.chat(r('What is the return window for the kettle?'), call(log));
    expect(again).toMatchObject({ cache: 'hit', cacheKind: 'exact', costMicros: 0, savedMicros: first.costMicros });
    expect(again.result.choices[0]?.message.content).toBe(first.result.choices[0]?.message.content);
    const reworded = await optimiser.chat(r('Hi, what is the return window for the kettle? Thanks!'), call(log));
    expect(reworded).toMatchObject({ cache: 'hit', cacheKind: 'semantic' });
    expect(log).toHaveLength(1);

    expect((await optimiser.chat(r('What is the return window for the kettle?', { tenant: 'globex' }), call(log))).cache).toBe('miss');
    expect((await optimiser.chat(r('Hi, what is the return window for the kettle? Thanks!', { agent: 'writer' }), call(log))).cache).toBe('miss'); // no semantic opt-in
    expect((await optimiser.chat(r('What is the return window for the kettle?', { directive: 'off' }), call(log))).cache).toBe('miss');
    expect(log).toHaveLength(4);
  });

  it('a budget downgrade wins over the router; other tasks use the default', async () => {
    const { optimiser } = createCostEngines(spec, { catalog, providers });
    expect(optimiser.route(r('x', { tags: { task: 'analysis' } }))).toMatchObject({ model: 'gpt-4o', policy: 'router' });
    expect(optimiser.route(r('x', { tags: { task: 'analysis' }, downgradeTo: 'gpt-4o-mini' }))).toMatchObject({ model: 'gpt-4o-mini', policy: 'budget' });
    expect(optimiser.route(r('x', { agent: 'writer' }))).toMatchObject({ model: 'gpt-4o', policy: 'none' });
  });

  it('rejects an embedding model the spec does not declare', () => {
    const bad = parseSpecText('providers: { sim: { kind: sim } }\nmodels: { m: { provider: sim } }\ncache: { semantic: { enabled: true, embedding_model: m } }\n', 'x.yaml', {}).spec;
    expect(() => createCostEngines(bad, { catalog: compileModelCatalog(bad), providers: createProviders(bad) })).toThrow(/embedding_model: 'm' is not a declared embedding model/);
  });
});
