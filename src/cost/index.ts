/**
 * daca cost: response caches, routing policies, the optimiser over them, the savings advisor and
 * cost reports. Named re-exports only.
 */
export { CacheSpecSchema, AgentCacheSpecSchema, RoutingSpecSchema, VerifierSpecSchema, DEFAULT_CACHE_SPEC } from './cost-spec.js';
export type { CacheSpec, AgentCacheSpec, RoutingSpec, VerifierSpec, RouteRule } from './cost-spec.js';
export { createCostEngines, type CostEngines, type CostEnginesOptions } from './cost-engines.js';
export { CostOptimiser, type CostOptimiserOptions, type OptimiseRequest, type OptimisedAnswer } from './optimiser.js';
export { parseCacheDirective, type CacheDirective } from './cache/cache-directive.js';
export type { CacheStore, CacheStoreStats } from './cache/cache-store.js';
export { MemoryCacheStore } from './cache/memory/memory-cache-store.js';
export { RedisCacheStore } from './cache/redis/redis-cache-store.js';
export { ExactCache, isCacheableResult, type CacheHit, type CachedAnswer, type CacheScope } from './cache/exact-cache.js';
export { exactCacheKey, normaliseRequest } from './cache/request-key.js';
export { assembleChunks, replayAsChunks } from './cache/replay.js';
export { SemanticCache, type SemanticScope } from './semantic/semantic-cache.js';
export { simEmbedder, providerEmbedder, type Embedder } from './semantic/embedder.js';
export { lexicalSignature, signaturesMatch, type GuardMode, type LexicalSignature } from './semantic/lexical-guard.js';
export type { DowngradeCause, RoutingContext, RoutingDecision, RoutingPolicy, RoutingPolicyName, ModelCall, ModelAnswer } from './routing/routing-types.js';
export { FixedPolicy, CascadePolicy, RouterPolicy, withBudgetDowngrade, NO_ROUTING } from './routing/policies.js';
export { Cascade, type CascadeOutcome, type TriedModel } from './routing/cascade.js';
export { compileVerifier, type Verifier, type Verdict } from './routing/verifiers.js';
export { compileRouting, compileAgentRoutings, type AgentRouting } from './routing/compile-routing.js';
export { trainRouter, type TrainRouterOptions, type TrainingCase } from './routing/train-router.js';
export { loadLearnedPolicy, parseLearnedPolicy, type LearnedPolicy } from './routing/learned-policy.js';
export { requestFeatures, type RequestFeatures } from './routing/features.js';
export { adviseAgent, type Advice } from './advisor/advisor.js';
export { adviseNode } from './advisor/advise-node.js';
export { costReport, type CostReport, type CostReportGroup, type CostReportQuery } from './report/cost-report.js';
