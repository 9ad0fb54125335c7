/**
 * Model downgrades set from outside the request path: while one is in force, chat calls in its
 * scope are answered by a cheaper model (or alias) instead of the one they ask for. The goal
 * controller sets one when a `cost_per_day_usd` goal reaches `downgrade.at_percent` of its target
 * and clears it when the UTC day ends or the goal leaves the spec (src/ops/goals/goal-runner.ts).
 *
 * Kept in memory per node. Every node of a cluster runs its own goal controller over the same
 * shared usage rows, so each node sets the same downgrade within one evaluation interval; nothing
 * needs to be stored.
 */
import type { Attribution } from '../identity/principal.js';
import type { ResolvedModel } from '../spec/resolve.js';

/** Whose calls a downgrade applies to: every field given must match (none given: every call). */
export interface DowngradeScope {
  tenant?: string | undefined;
  team?: string | undefined;
  agent?: string | undefined;
}

/** One downgrade in force. */
export interface ModelDowngrade {
  /** Who set it (a goal id); one downgrade per owner. */
  owner: string;
  scope: DowngradeScope;
  /** The declared model or alias that answers instead. */
  to: string;
  /** Why, in words, for the call's routing reason and audit record. */
  reason: string;
  /** When it was set, ms since the epoch. */
  since: number;
}

/**
 * The downgrades in force on a node.
 *
 * @example
 * ```ts
 * const d = new ModelDowngrades();
 * d.set({ owner: 'daily_spend', scope: { tenant: 'acme' }, to: 'small', reason: 'goal daily_spend at 80%', since: Date.now() });
 * d.match({ tenant: 'acme', team: 'ops', agent: 'writer', session: null, tags: {} })?.to; // 'small'
 * ```
 */
export class ModelDowngrades {
  private readonly byOwner = new Map<string, ModelDowngrade>();

  /** Sets (or replaces) the owner's downgrade. */
  set(d: ModelDowngrade): void {
    this.byOwner.set(d.owner, { ...d, scope: { ...d.scope } });
  }

  /** Clears the owner's downgrade; false when it had none. */
  clear(owner: string): boolean {
    return this.byOwner.delete(owner);
  }

  /** The first downgrade (oldest set first) whose scope covers the call, or null. */
  match(a: Pick<Attribution, 'tenant' | 'team' | 'agent'>): ModelDowngrade | null {
    if (this.byOwner.size === 0) return null;
    for (const d of this.byOwner.values()) {
      const s = d.scope;
      if ((!s.tenant || s.tenant === a.tenant) && (!s.team || s.team === a.team) && (!s.agent || s.agent === a.agent)) return d;
    }
    return null;
  }

  /** Every downgrade in force. */
  list(): ModelDowngrade[] {
    return [...this.byOwner.values()];
  }
}

/**
 * The downgrade a call in `who`'s scope asking for `model` is moved by, or null: only to a chat
 * model that is cheaper (input + output price) and that the call may use (`usable`: its provider
 * runs and its key and agent may use it); a call already asking for something no dearer keeps it.
 */
export function downgradeFor(downgrades: ModelDowngrades, who: Pick<Attribution, 'tenant' | 'team' | 'agent'>, model: ResolvedModel, deps: { resolve(name: string): ResolvedModel | undefined; usable(to: ResolvedModel, name: string): boolean }): ModelDowngrade | null {
  const d = downgrades.match(who);
  if (!d) return null;
  const to = deps.resolve(d.to);
  if (!to || to.type !== 'chat' || to.price.input + to.price.output >= model.price.input + model.price.output) return null;
  return deps.usable(to, d.to) ? d : null;
}

const byStore = new WeakMap<object, ModelDowngrades>();

/** The node's downgrades (one per store, shared by every gateway the node builds and its goal controller). */
export function modelDowngradesOf(s: { store: object }): ModelDowngrades {
  let d = byStore.get(s.store);
  if (!d) byStore.set(s.store, (d = new ModelDowngrades()));
  return d;
}
