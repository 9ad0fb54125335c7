/**
 * The cost stage of the pipeline (after admission, before the upstream call): the exact and
 * semantic caches, and the agent's routing policy (cascade, router, budget or goal downgrade).
 */
import type { OptimiseRequest } from '../cost/optimiser.js';
import type { CostOptimiser } from '../cost/optimiser.js';
import type { CacheHit } from '../cost/cache/exact-cache.js';
import type { DowngradeCause, RoutingDecision } from '../cost/routing/routing-types.js';
import type { ChatRequest, Usage } from '../providers/types.js';
import type { ResolvedModel } from '../spec/resolve.js';
import { priceUsage } from './metering.js';
import type { GatewayCall } from './call.js';

/** The optimiser's view of a call (`switchTo` / `cause`: the admission's downgrade, if any). */
export function optimiseRequestOf(call: GatewayCall, model: string, req: ChatRequest, switchTo: string | null, cause: DowngradeCause | null = null): OptimiseRequest {
  const a = call.attribution;
  return { tenant: a.tenant, agent: a.agent, tags: a.tags, model, req, directive: call.cacheDirective, downgradeTo: switchTo, downgradeCause: cause, signal: call.signal };
}

/** Looks the call up in the caches; on a hit marks the call and records why. */
export async function cacheLookup(opt: CostOptimiser, call: GatewayCall, r: OptimiseRequest): Promise<CacheHit | null> {
  const hit = await opt.lookup(r);
  if (!hit) return null;
  call.cache = 'hit';
  call.via.push('cache');
  call.routing = {
    policy: 'cache',
    reason: `${hit.kind} cache hit${hit.similarity !== undefined ? ` (similarity ${hit.similarity.toFixed(3)})` : ''}: answer stored from ${hit.answeredBy}`,
    savedByCacheMicros: hit.savedMicros,
    savedByRoutingMicros: 0,
  };
  call.reasons.push({
    source: 'route',
    name: `${hit.kind}-cache`,
    effect: 'modify',
    detail: `answered from the ${hit.kind} cache${hit.similarity !== undefined ? ` (similarity ${hit.similarity.toFixed(3)})` : ''}; saved $${(hit.savedMicros / 1e6).toFixed(6)}`,
  });
  return hit;
}

/**
 * Records a routing decision on the call (its usage row and span); when it changed the model, also
 * as an audit reason and in the route taken.
 */
export function noteRouting(call: GatewayCall, requested: string, d: RoutingDecision): void {
  call.routing = { policy: d.policy, reason: d.reason, savedByCacheMicros: 0, savedByRoutingMicros: 0 };
  if (d.policy === 'none' && d.model === requested) return;
  call.via.push(d.policy);
  call.reasons.push({ source: 'route', name: d.policy, effect: d.model === requested ? 'info' : 'modify', detail: d.reason });
}

/** Records a downgrade decided by admission alone (no routing policy configured): a budget's, or with `cause` a goal's. */
export function noteDowngrade(call: GatewayCall, requested: string, to: string, cause: DowngradeCause | null = null): void {
  call.routing = { policy: cause?.policy ?? 'budget', reason: `${cause?.reason ?? 'budget near its limit'}: downgraded to ${to} (was ${requested})`, savedByCacheMicros: 0, savedByRoutingMicros: 0 };
}

/** The final reason of a decision once it ran (a cascade's reason lists its escalations). */
export function noteRoutingOutcome(call: GatewayCall, d: RoutingDecision): void {
  if (call.routing) call.routing.reason = d.reason;
}

/**
 * Sets what routing saved: the answer's usage priced at the requested model minus what the call
 * paid (every cascade attempt included). For a cache hit, what routing saved when the stored answer
 * was produced (priced at the requested model minus the stored answer's cost, which is the cache's
 * saving), so cache and routing savings add up to the price of the request on the requested model.
 * Zero when no policy chose the model (`none`).
 */
export function settleRoutingSaving(call: GatewayCall, requested: ResolvedModel, usage: Usage, paidMicros: number): void {
  const r = call.routing;
  if (!r || r.policy === 'none') return;
  r.savedByRoutingMicros = priceUsage(requested, usage) - (r.policy === 'cache' ? r.savedByCacheMicros : paidMicros);
}
