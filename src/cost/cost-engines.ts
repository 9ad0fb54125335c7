/**
 * The cost engines of a node, built once per loaded spec: the exact cache (in memory, or Redis
 * when `DACA_REDIS_URL` is set), the semantic cache, the agents' routing, and the optimiser over them.
 */
import { InvalidRequestError } from '../errors.js';
import type { ModelProvider } from '../providers/types.js';
import type { ModelCatalog } from '../spec/resolve.js';
import type { Spec } from '../spec/schema.js';
import type { CacheStore } from './cache/cache-store.js';
import { ExactCache } from './cache/exact-cache.js';
import { MemoryCacheStore } from './cache/memory/memory-cache-store.js';
import { RedisCacheStore } from './cache/redis/redis-cache-store.js';
import type { AgentCacheSpec } from './cost-spec.js';
import { CostOptimiser } from './optimiser.js';
import { compileAgentRoutings, type AgentRouting } from './routing/compile-routing.js';
import { providerEmbedder, simEmbedder, type Embedder } from './semantic/embedder.js';
import { SemanticCache } from './semantic/semantic-cache.js';

/** What {@link createCostEngines} needs besides the spec. */
export interface CostEnginesOptions {
  catalog: ModelCatalog;
  providers: ReadonlyMap<string, ModelProvider>;
  /** `DACA_REDIS_URL`: share the exact cache through Redis. */
  redisUrl?: string | undefined;
  /** Key prefix in Redis (`DACA_REDIS_PREFIX`, default `daca`). */
  redisPrefix?: string | undefined;
  /** Folder that relative router policy files are resolved against. */
  baseDir?: string;
  now?: () => number;
  onError?: (e: unknown) => void;
}

/** The cost engines of a node. */
export interface CostEngines {
  exact: ExactCache | null;
  semantic: SemanticCache | null;
  routing: Map<string, AgentRouting>;
  optimiser: CostOptimiser;
  /** True when the node has anything to do for cost (cache on, or an agent routes). */
  active: boolean;
  close(): Promise<void>;
}

function embedderOf(spec: Spec, o: CostEnginesOptions): Embedder {
  const name = spec.cache.semantic.embedding_model;
  if (!name) return simEmbedder();
  const m = o.catalog.resolve(name);
  if (!m || m.type !== 'embedding') throw new InvalidRequestError(`cache.semantic.embedding_model: '${name}' is not a declared embedding model`);
  const p = o.providers.get(m.provider);
  if (!p) throw new InvalidRequestError(`cache.semantic.embedding_model: provider '${m.provider}' is not running`);
  return providerEmbedder(p, m);
}

/**
 * Builds the cost engines for `spec`.
 *
 * @throws {InvalidRequestError} for routing or embedding models the spec does not declare.
 * @example
 * ```ts
 * const cost = createCostEngines(spec, { catalog, providers, redisUrl: process.env.DACA_REDIS_URL });
 * const hit = await cost.optimiser.lookup({ tenant, agent, tags, model: model.name, req });
 * ```
 */
export function createCostEngines(spec: Spec, o: CostEnginesOptions): CostEngines {
  const c = spec.cache;
  const now = o.now ?? Date.now;
  let store: CacheStore | null = null;
  let exact: ExactCache | null = null;
  if (c.exact.enabled) {
    store = o.redisUrl
      ? new RedisCacheStore({ url: o.redisUrl, prefix: `${o.redisPrefix?.trim() || 'daca'}:cache:`, ...(o.onError ? { onError: o.onError } : {}) })
      : new MemoryCacheStore({ maxEntries: c.exact.max_entries, maxBytes: Math.round(c.exact.max_mb * 1024 * 1024), now });
    exact = new ExactCache({ store, ttlMs: c.exact.ttl_s * 1000, maxTemperature: c.exact.max_temperature, now });
  }
  const semantic = c.semantic.enabled
    ? new SemanticCache({
        embedder: embedderOf(spec, o),
        threshold: c.semantic.threshold,
        thresholds: c.semantic.thresholds,
        namespaceBy: c.semantic.namespace_by,
        guard: c.semantic.guard,
        maxEntriesPerBucket: c.semantic.max_entries,
        ttlMs: c.exact.ttl_s * 1000,
        now,
      })
    : null;
  const routing = compileAgentRoutings(spec, o.baseDir ? { baseDir: o.baseDir } : {});
  const agentCache = new Map<string, AgentCacheSpec>();
  for (const [id, a] of Object.entries(spec.agents)) if (a.cache) agentCache.set(id, a.cache);
  const optimiser = new CostOptimiser({ exact, semantic, routing, agentCache, priceOf: (m) => o.catalog.resolve(m)?.price, ...(o.onError ? { onError: o.onError } : {}) });
  return {
    exact,
    semantic,
    routing,
    optimiser,
    active: !!exact || !!semantic || routing.size > 0,
    close: async () => {
      await store?.close();
    },
  };
}
