/**
 * The spec-derived parts of a node (catalog, providers, guard engines, gateway) built from a
 * LoadedSpec next to a running node's shared parts (store, recorder, audit, key ring, kill switch,
 * approvals, metrics): what `apply` builds and swaps in. The cost engines (caches, agents' routing)
 * are rebuilt too, so a live apply changes routes; response caches start empty.
 */
import { dirname } from 'node:path';
import { auditOf } from '../compliance/node-audit.js';
import { createCostEngines, type CostEngines } from '../cost/cost-engines.js';
import { Gateway } from '../gateway/gateway.js';
import type { GatewayGuards } from '../gateway/guards.js';
import { ContentGuard } from '../guardrails/content/content-guard.js';
import { allBudgetRules, budgetsOf } from '../guardrails/budgets/node-budgets.js';
import { limitsOf } from '../guardrails/limits/node-limits.js';
import { ToolPolicy } from '../guardrails/tools/tool-policy.js';
import { createProviders } from '../providers/registry.js';
import type { ModelProvider } from '../providers/types.js';
import { resilienceOf } from '../resilience/node-resilience.js';
import type { GuardEngines, Services } from '../server/services.js';
import type { LoadedSpec } from '../spec/loader.js';
import { compileModelCatalog, type ModelCatalog } from '../spec/resolve.js';
import { modelDowngradesOf } from '../gateway/model-downgrades.js';

/** The parts of a node a spec change replaces. */
export interface SpecParts {
  spec: LoadedSpec;
  catalog: ModelCatalog;
  providers: Map<string, ModelProvider>;
  engines: GuardEngines;
  gateway: Gateway;
  /** Closes what these parts own (providers, budget write-back, limit timers). */
  close(): Promise<void>;
}

/**
 * Builds the spec-derived parts of `spec` next to `base`'s shared parts. Nothing of `base` changes.
 * @throws whatever a part throws when it cannot be built (then nothing was started that stays open).
 */
export async function buildSpecParts(spec: LoadedSpec, base: Services): Promise<SpecParts> {
  const s = spec.spec;
  const catalog = compileModelCatalog(s);
  const providers = createProviders(s);
  let cost: CostEngines | null = null;
  try {
    cost = createCostEngines(s, {
      catalog, providers, redisUrl: process.env.DACA_REDIS_URL, redisPrefix: process.env.DACA_REDIS_PREFIX,
      baseDir: spec.source.startsWith('(') ? process.cwd() : dirname(spec.source), onError: (e) => base.logger.warn({ err: e }, 'cache write failed'),
    });
    const node = { store: base.store, spec, catalog, logger: base.logger, observability: base.observability };
    const engines: GuardEngines = {
      killSwitch: base.engines.killSwitch,
      limits: limitsOf(node),
      budgets: budgetsOf(node),
      approvals: base.engines.approvals,
      tools: new ToolPolicy(s),
      resilience: resilienceOf(node),
    };
    const guards: GatewayGuards = {
      killSwitch: engines.killSwitch,
      limits: s.rate_limits.length ? engines.limits : undefined,
      budgets: allBudgetRules(s).length ? engines.budgets : undefined,
      tools: Object.keys(s.tools).length ? engines.tools : undefined,
      content: s.guardrails?.enabled ? new ContentGuard(s.guardrails) : undefined,
      approvals: engines.approvals,
      resilience: engines.resilience,
      downgrades: modelDowngradesOf(base),
    };
    const agentModels = new Map<string, ReadonlySet<string>>();
    for (const [id, a] of Object.entries(s.agents)) if (a.models) agentModels.set(id, new Set(a.models));
    const gateway = new Gateway({
      catalog, providers, recorder: base.recorder, upstreamTimeoutMs: s.server.upstream_timeout_ms, durability: s.server.durability, agentModels, guards,
      onUpstream: (provider, ok) => base.metrics.observeUpstream(provider, ok),
      audit: await auditOf(base),
      ...(cost.active ? { cost: cost.optimiser } : {}),
    });
    for (const name of providers.keys()) base.metrics.setUpstreamHealth(name, true);
    const ownCost = cost;
    return {
      spec, catalog, providers, engines, gateway,
      async close() {
        await engines.budgets.close().catch((e: unknown) => base.logger.error({ err: e }, 'budget write-back on swap failed'));
        await engines.limits.close().catch(() => {});
        for (const p of providers.values()) await p.close?.().catch(() => {});
        await ownCost.close().catch(() => {});
      },
    };
  } catch (e) {
    for (const p of providers.values()) await p.close?.().catch(() => {});
    await cost?.close().catch(() => {});
    throw e;
  }
}
