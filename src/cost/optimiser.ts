/**
 * The CostOptimiser: the exact cache, the semantic cache and the agents' routing behind one
 * object, in the order the gateway runs them (after approval, before the upstream call):
 *
 * 1. `lookup()` — exact, then semantic (when the agent opts in): a hit is answered at zero
 *    upstream cost, `cache: 'hit'`, with the stored answer's cost as saved dollars;
 * 2. `route()` — the routing decision `{ model, reason, policy }` (budget downgrade wins);
 * 3. `run()` — the model call(s): one call, or the cascade with verification and escalation;
 * 4. `remember()` — store a complete answer for later hits.
 *
 * `chat()` does all four around a `ModelCall`; the bench uses it client-side of the gateway.
 */
import { costMicros } from '../metering/cost.js';
import type { ChatRequest, ChatResult } from '../providers/types.js';
import type { PriceSpec } from '../spec/schema.js';
import type { CacheDirective } from './cache/cache-directive.js';
import type { CacheHit, ExactCache } from './cache/exact-cache.js';
import type { AgentCacheSpec } from './cost-spec.js';
import type { CascadeOutcome, TriedModel } from './routing/cascade.js';
import type { AgentRouting } from './routing/compile-routing.js';
import { NO_ROUTING, withBudgetDowngrade } from './routing/policies.js';
import type { DowngradeCause, ModelCall, RoutingDecision } from './routing/routing-types.js';
import type { SemanticCache } from './semantic/semantic-cache.js';

/** One request, as the optimiser sees it. */
export interface OptimiseRequest {
  tenant: string;
  agent: string;
  tags: Readonly<Record<string, string>>;
  /** The spec model the request resolved to (aliases followed). */
  model: string;
  req: ChatRequest;
  /** `x-daca-cache` (see `parseCacheDirective`). */
  directive?: CacheDirective;
  /** `Admission.switchTo` from a budget nearing its limit or a spend goal. */
  downgradeTo?: string | null;
  /** What asked for `downgradeTo` (default: a budget). */
  downgradeCause?: DowngradeCause | null;
  promptTokens?: number;
  signal?: AbortSignal;
}

/** The answer to an optimised request. */
export interface OptimisedAnswer {
  result: ChatResult;
  /** The model that produced the answer (for a hit: the one that produced the stored answer). */
  model: string;
  /** Upstream cost of this request (0 for a hit), micro-dollars. */
  costMicros: number;
  cache: 'hit' | 'miss';
  cacheKind: 'exact' | 'semantic' | null;
  /** The cache entry's key (hits only). */
  cacheKey?: string;
  /** Saved against the requested model without cache or routing (may be negative after escalations), micro-dollars. */
  savedMicros: number;
  /** Of which saved by the cache. */
  savedByCacheMicros: number;
  decision: RoutingDecision;
  tried: TriedModel[];
}

/** Options of {@link CostOptimiser}. */
export interface CostOptimiserOptions {
  exact?: ExactCache | null;
  semantic?: SemanticCache | null;
  /** Compiled routing by agent; agents without one use the requested model. */
  routing?: ReadonlyMap<string, AgentRouting>;
  /** Per-agent cache opt-in/out (default: exact on, semantic off). */
  agentCache?: ReadonlyMap<string, AgentCacheSpec>;
  /** The price of a model (for the routing saving estimate); unknown prices save nothing. */
  priceOf?: (model: string) => PriceSpec | undefined;
  /** Reports failures of side paths (cache writes). */
  onError?: (e: unknown) => void;
}

const HIT_DECISION = (hit: CacheHit): RoutingDecision => ({
  model: hit.answeredBy,
  reason: hit.kind === 'semantic' ? `semantic cache hit (similarity ${hit.similarity?.toFixed(3)})` : 'exact cache hit',
  policy: 'none',
  verify: false,
  escalateTo: [],
});

/**
 * Cache and routing for model calls; see the module comment.
 *
 * @example
 * ```ts
 * const opt = new CostOptimiser({ exact, semantic, routing: compileAgentRoutings(spec) });
 * const a = await opt.chat({ tenant, agent, tags, model: 'gpt-4o', req }, (m, r) => callModel(m, r));
 * a.cache; a.decision.reason; a.costMicros;
 * ```
 */
export class CostOptimiser {
  constructor(private readonly opts: CostOptimiserOptions) {}

  private agentCache(agent: string): AgentCacheSpec {
    return this.opts.agentCache?.get(agent) ?? { exact: true, semantic: false };
  }

  /** A stored answer for the request (exact first, then semantic when the agent opts in), or null. */
  async lookup(r: OptimiseRequest): Promise<CacheHit | null> {
    const d = r.directive ?? 'default';
    if (d === 'off' || d === 'refresh') return null;
    const a = this.agentCache(r.agent);
    const scope = { tenant: r.tenant, model: r.model };
    if (a.exact && this.opts.exact) {
      const hit = await this.opts.exact.lookup(scope, r.req, d);
      if (hit) return hit;
    }
    if (a.semantic && this.opts.semantic && (!this.opts.exact || this.opts.exact.eligible(r.req, d))) {
      return this.opts.semantic.lookup({ ...scope, agent: r.agent }, r.req, { ...(a.threshold !== undefined ? { threshold: a.threshold } : {}), ...(r.signal ? { signal: r.signal } : {}) });
    }
    return null;
  }

  /** The routing decision for the request. */
  route(r: OptimiseRequest): RoutingDecision {
    const routing = this.opts.routing?.get(r.agent);
    const ctx = { tenant: r.tenant, agent: r.agent, tags: r.tags, requestedModel: r.model, req: r.req, ...(r.promptTokens !== undefined ? { promptTokens: r.promptTokens } : {}) };
    return withBudgetDowngrade((routing?.policy ?? NO_ROUTING).choose(ctx), r.downgradeTo, r.downgradeCause);
  }

  /** Runs the decision: one call, or the agent's cascade. */
  async run(r: OptimiseRequest, decision: RoutingDecision, call: ModelCall): Promise<CascadeOutcome> {
    const cascade = this.opts.routing?.get(r.agent)?.cascade;
    if (cascade && decision.verify) return cascade.run({ req: r.req, decision }, call);
    const a = await call(decision.model, r.req);
    return { result: a.result, model: decision.model, costMicros: a.costMicros, tried: [{ model: decision.model, costMicros: a.costMicros, accepted: true, note: 'not verified' }], decision };
  }

  /** Stores a fresh answer in the caches the request may use. Never throws. */
  async remember(r: OptimiseRequest, result: ChatResult, meta: { answeredBy: string; costMicros: number }): Promise<void> {
    const d = r.directive ?? 'default';
    if (d === 'off') return;
    const a = this.agentCache(r.agent);
    const scope = { tenant: r.tenant, model: r.model };
    try {
      if (a.exact && this.opts.exact) await this.opts.exact.store(scope, r.req, result, meta, d);
      if (a.semantic && this.opts.semantic && (!this.opts.exact || this.opts.exact.eligible(r.req, d))) await this.opts.semantic.store({ ...scope, agent: r.agent }, r.req, result, meta, r.signal);
    } catch (e) {
      this.opts.onError?.(e);
    }
  }

  /** What the answer would have cost on the requested model, micro-dollars (null when unknown). */
  counterfactualMicros(requested: string, result: ChatResult): number | null {
    const price = this.opts.priceOf?.(requested);
    if (!price) return null;
    const u = result.usage;
    return costMicros({ inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens, cachedTokens: u.cached_tokens ?? 0, cacheWriteTokens: u.cache_write_tokens ?? 0 }, price);
  }

  /** Lookup → route → run → remember. */
  async chat(r: OptimiseRequest, call: ModelCall): Promise<OptimisedAnswer> {
    const hit = await this.lookup(r);
    if (hit) {
      return { result: hit.result, model: hit.answeredBy, costMicros: 0, cache: 'hit', cacheKind: hit.kind, cacheKey: hit.key, savedMicros: hit.savedMicros, savedByCacheMicros: hit.savedMicros, decision: HIT_DECISION(hit), tried: [] };
    }
    const decision = this.route(r);
    const out = await this.run(r, decision, call);
    await this.remember(r, out.result, { answeredBy: out.model, costMicros: out.costMicros });
    const would = this.counterfactualMicros(r.model, out.result);
    return { result: out.result, model: out.model, costMicros: out.costMicros, cache: 'miss', cacheKind: null, savedMicros: would === null ? 0 : would - out.costMicros, savedByCacheMicros: 0, decision: out.decision, tried: out.tried };
  }
}
