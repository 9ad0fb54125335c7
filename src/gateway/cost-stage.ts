/**
 * The cost stage of the pipeline (after admission, before the upstream call): the exact and
 * semantic caches, and the agent's routing policy (cascade, router, budget downgrade).
 */
import type { OptimiseRequest } from '../cost/optimiser.js';
import type { CostOptimiser } from '../cost/optimiser.js';
import type { CacheHit } from '../cost/cache/exact-cache.js';
import type { RoutingDecision } from '../cost/routing/routing-types.js';
import type { ChatRequest } from '../providers/types.js';
import type { GatewayCall } from './call.js';

/** The optimiser's view of a call. */
export function optimiseRequestOf(call: GatewayCall, model: string, req: ChatRequest, switchTo: string | null): OptimiseRequest {
  const a = call.attribution;
  return { tenant: a.tenant, agent: a.agent, tags: a.tags, model, req, directive: call.cacheDirective, downgradeTo: switchTo, signal: call.signal };
}

/** Looks the call up in the caches; on a hit marks the call and records why. */
export async function cacheLookup(opt: CostOptimiser, call: GatewayCall, r: OptimiseRequest): Promise<CacheHit | null> {
  const hit = await opt.lookup(r);
  if (!hit) return null;
  call.cache = 'hit';
  call.via.push('cache');
  call.reasons.push({
    source: 'route',
    name: `${hit.kind}-cache`,
    effect: 'modify',
    detail: `answered from the ${hit.kind} cache${hit.similarity !== undefined ? ` (similarity ${hit.similarity.toFixed(3)})` : ''}; saved $${(hit.savedMicros / 1e6).toFixed(6)}`,
  });
  return hit;
}

/** Records a routing decision that changed the model. */
export function noteRouting(call: GatewayCall, requested: string, d: RoutingDecision): void {
  if (d.policy === 'none' && d.model === requested) return;
  call.via.push(d.policy);
  call.reasons.push({ source: 'route', name: d.policy, effect: d.model === requested ? 'info' : 'modify', detail: d.reason });
}
