/**
 * The budget engine of a running node, created on first use per loaded spec and shared by the
 * gateway and `/api/budgets`, so both see the same leases and counters.
 */
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import { BudgetEngine } from './budget-engine.js';
import { agentBudgetRules } from '../../runtime/runtime-spec.js';

/** The spec's budgets plus each agent's own `budget_usd`. */
export function allBudgetRules(spec: Spec): Spec['budgets'] {
  const perAgent = agentBudgetRules(spec);
  return perAgent.length ? [...spec.budgets, ...perAgent] : spec.budgets;
}

const bySpec = new WeakMap<object, BudgetEngine>();

/** What {@link budgetsOf} needs from the node's services. */
export interface BudgetNode {
  store: Store;
  spec: { spec: Spec };
  logger?: { error(o: object, msg: string): void };
  /** The alerts engine: budget levels are reported to it. */
  observability?: { alerts?: { reportBudgetUsage(subject: string, used: number, limit: number): Promise<void> } };
}

/**
 * The node's BudgetEngine for its current spec. Until `Services` holds it, this is the one place
 * that creates it; `Services.close()` should call `budgetsOf(s).close()` before closing the store
 * (it writes back spend and returns leases).
 *
 * @example
 * ```ts
 * const r = await budgetsOf(services).reserve(principal.keyId, attribution, estimateMicros);
 * ```
 */
export function budgetsOf(s: BudgetNode): BudgetEngine {
  let e = bySpec.get(s.spec.spec);
  if (!e) {
    const alerts = s.observability?.alerts;
    const onError = (err: unknown) => s.logger?.error({ err }, 'budget write-back failed');
    e = new BudgetEngine({
      store: s.store,
      budgets: allBudgetRules(s.spec.spec),
      onError,
      ...(alerts ? { onThreshold: (subject: string, used: number, limit: number) => void alerts.reportBudgetUsage(subject, used, limit).catch(onError) } : {}),
    });
    bySpec.set(s.spec.spec, e);
  }
  return e;
}
