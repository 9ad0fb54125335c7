/**
 * Fair division of scarce resources among competing agents: weighted max-min fairness (one
 * resource, water-filling) and dominant resource fairness (several resources, progressive filling).
 */

/** One claimant of a single resource. */
export interface Claim {
  id: string;
  /** What it asks for (same unit as the capacity). */
  demand: number;
  /** Its weight (entitlement), default 1. */
  weight?: number;
}

/**
 * Weighted max-min fair shares of `capacity`: nobody gets more than it asks, and no claimant can
 * get more without taking from one whose share per weight is not larger.
 * @example
 * ```ts
 * weightedMaxMin(10, [{ id: 'a', demand: 2 }, { id: 'b', demand: 8 }, { id: 'c', demand: 8 }]);
 * // { a: 2, b: 4, c: 4 }
 * ```
 */
export function weightedMaxMin(capacity: number, claims: readonly Claim[]): Record<string, number> {
  const out: Record<string, number> = {};
  let open = claims.filter((c) => c.demand > 0);
  for (const c of claims) out[c.id] = 0;
  let left = capacity;
  while (open.length && left > 1e-12) {
    const w = open.reduce((s, c) => s + (c.weight ?? 1), 0);
    const per = left / w;
    const sated = open.filter((c) => c.demand - out[c.id]! <= per * (c.weight ?? 1));
    if (sated.length === 0) {
      for (const c of open) out[c.id]! += per * (c.weight ?? 1);
      left = 0;
      break;
    }
    for (const c of sated) {
      left -= c.demand - out[c.id]!;
      out[c.id] = c.demand;
    }
    open = open.filter((c) => !sated.includes(c));
  }
  return out;
}

/** One agent's per-task demand over several resources (DRF). */
export interface DrfClaim {
  id: string;
  /** Resource → amount one task needs. */
  perTask: Record<string, number>;
  /** Tasks it wants at most (default unbounded). */
  maxTasks?: number;
  weight?: number;
}

/** Result of DRF: tasks per agent and each agent's dominant share. */
export interface DrfAllocation {
  tasks: Record<string, number>;
  dominantShare: Record<string, number>;
  used: Record<string, number>;
}

/**
 * Dominant resource fairness by progressive filling: repeatedly give one task to the agent with
 * the lowest weighted dominant share whose next task still fits.
 * @example
 * ```ts
 * drf({ cpu: 9, mem: 18 }, [{ id: 'A', perTask: { cpu: 1, mem: 4 } }, { id: 'B', perTask: { cpu: 3, mem: 1 } }]);
 * // tasks: { A: 3, B: 2 } (the classic example of Ghodsi et al.)
 * ```
 */
export function drf(capacity: Record<string, number>, claims: readonly DrfClaim[]): DrfAllocation {
  const tasks: Record<string, number> = {};
  const dom: Record<string, number> = {};
  const used: Record<string, number> = {};
  for (const r of Object.keys(capacity)) used[r] = 0;
  for (const c of claims) {
    tasks[c.id] = 0;
    dom[c.id] = 0;
  }
  const active = new Set(claims.map((c) => c.id));
  const byId = new Map(claims.map((c) => [c.id, c]));
  while (active.size) {
    let best: DrfClaim | null = null;
    for (const id of active) {
      const c = byId.get(id)!;
      if (!best || dom[id]! / (c.weight ?? 1) < dom[best.id]! / (best.weight ?? 1)) best = c;
    }
    const c = best!;
    const fits = Object.entries(c.perTask).every(([r, a]) => (used[r] ?? 0) + a <= (capacity[r] ?? 0) + 1e-9);
    if (!fits || (c.maxTasks !== undefined && tasks[c.id]! >= c.maxTasks)) {
      active.delete(c.id);
      continue;
    }
    tasks[c.id]!++;
    for (const [r, a] of Object.entries(c.perTask)) used[r] = (used[r] ?? 0) + a;
    let d = 0;
    for (const [r, a] of Object.entries(c.perTask)) if (capacity[r]) d = Math.max(d, (tasks[c.id]! * a) / capacity[r]!);
    dom[c.id] = d;
  }
  return { tasks, dominantShare: dom, used };
}
