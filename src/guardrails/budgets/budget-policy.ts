/**
 * Which budgets apply to a call: the spec's `budgets:` entries compiled once, and the choice per
 * principal cached, so the hot path does a map lookup and builds no strings for known callers.
 */
import type { Attribution } from '../../identity/principal.js';
import type { BudgetRuleSpec, BudgetScope, BudgetWindow } from './budget-spec.js';
import { formatUsd, usdToMicros } from './usd.js';

/** Hard limit used for budgets that only alert (never reached). */
export const NO_HARD_LIMIT = Number.MAX_SAFE_INTEGER;

/** An alert level of a budget: its soft amount, or a percentage of its limit such as `80%`. */
export interface BudgetLevel {
  /** `soft`, or a percentage such as `80%`. */
  name: string;
  micros: number;
}

/** A compiled budget entry. */
export interface CompiledBudget {
  /** Index in the spec's `budgets:` list. */
  index: number;
  scope: BudgetScope;
  window: BudgetWindow;
  hard: boolean;
  /** The declared limit in micro-dollars. */
  limitMicros: number;
  /** What reservations are checked against: `limitMicros`, or {@link NO_HARD_LIMIT} when not hard. */
  enforcedMicros: number;
  /** Alert levels in ascending order. */
  levels: readonly BudgetLevel[];
  /** Spend from which the gateway should switch to `downgrade.to`. */
  downgrade: { atMicros: number; to: string } | null;
  tenant?: string | undefined;
  team?: string | undefined;
  agent?: string | undefined;
  key?: string | undefined;
}

/** A budget that applies to a caller; `subject` is null for session budgets (taken per call). */
export interface ApplicableBudget {
  budget: CompiledBudget;
  subject: string | null;
}

function compile(r: BudgetRuleSpec, index: number): CompiledBudget {
  const limitMicros = usdToMicros(r.limit_usd);
  const levels: BudgetLevel[] = [];
  if (r.soft_usd !== undefined) levels.push({ name: 'soft', micros: usdToMicros(r.soft_usd) });
  for (const p of r.alert_at_percent) levels.push({ name: `${p}%`, micros: Math.round((limitMicros * p) / 100) });
  levels.sort((a, b) => a.micros - b.micros);
  return {
    index, scope: r.scope, window: r.window, hard: r.hard, limitMicros,
    enforcedMicros: r.hard ? limitMicros : NO_HARD_LIMIT,
    levels,
    downgrade: r.downgrade ? { atMicros: Math.round((limitMicros * r.downgrade.at_percent) / 100), to: r.downgrade.to } : null,
    tenant: r.tenant, team: r.team, agent: r.agent, key: r.key,
  };
}

function specificity(b: CompiledBudget): number {
  return (b.tenant ? 1 : 0) + (b.team ? 1 : 0) + (b.agent ? 1 : 0) + (b.key ? 1 : 0);
}

/** Human description of a budget's window, e.g. `daily`. */
export function windowWord(w: BudgetWindow): string {
  return w === 'day' ? 'daily' : w === 'month' ? 'monthly' : 'total';
}

/** Short description of a budget, e.g. `$100.00 daily hard limit`. */
export function describeLimit(b: CompiledBudget): string {
  return `${formatUsd(b.limitMicros)} ${windowWord(b.window)} ${b.hard ? 'hard' : 'soft'} limit`;
}

/**
 * The compiled `budgets:` section.
 *
 * @example
 * ```ts
 * const policy = new BudgetPolicy(spec.budgets);
 * policy.applicable('key_1', attribution); // [{ budget, subject: 'triage' }, …]
 * ```
 */
export class BudgetPolicy {
  /** Compiled entries in spec order. */
  readonly budgets: readonly CompiledBudget[];
  private readonly cache = new Map<string, readonly ApplicableBudget[]>();

  constructor(rules: readonly BudgetRuleSpec[]) {
    this.budgets = rules.map(compile);
  }

  /** True when the spec declares no budgets (the engine then does nothing per call). */
  get empty(): boolean {
    return this.budgets.length === 0;
  }

  /** The budgets that apply to calls of `keyId` under `a` (cached per key, tenant, team and agent). */
  applicable(keyId: string, a: Attribution): readonly ApplicableBudget[] {
    const ck = `${keyId}\u0000${a.tenant}\u0000${a.team}\u0000${a.agent}`;
    let hit = this.cache.get(ck);
    if (hit === undefined) {
      hit = this.resolve(keyId, a);
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(ck, hit);
    }
    return hit;
  }

  private resolve(keyId: string, a: Attribution): ApplicableBudget[] {
    const best = new Map<string, CompiledBudget>();
    for (const b of this.budgets) {
      if ((b.tenant && b.tenant !== a.tenant) || (b.team && b.team !== a.team) || (b.agent && b.agent !== a.agent) || (b.key && b.key !== keyId)) continue;
      const slot = `${b.scope}/${b.window}`;
      const cur = best.get(slot);
      if (cur === undefined || specificity(b) > specificity(cur)) best.set(slot, b);
    }
    const out: ApplicableBudget[] = [];
    for (const b of best.values()) {
      const subject = b.scope === 'session' ? null : b.scope === 'agent' ? a.agent : b.scope === 'team' ? a.team : b.scope === 'tenant' ? a.tenant : keyId;
      out.push({ budget: b, subject });
    }
    return out;
  }
}
