/**
 * The routing decisions the mesh made, newest first: what was asked, where it went (or why it
 * went nowhere), with what confidence, and the closest candidates. A bounded ring in memory.
 */
import type { SkillCandidate } from './routing/skill-index.js';

/** One recorded routing decision. */
export interface RoutingDecision {
  id: string;
  at: number;
  /** The caller (agent type, or `user`). */
  caller: string;
  tenant: string;
  /** The request text (first 500 characters). */
  text: string;
  tags?: string[] | undefined;
  /** `agent/skill`, or null when not routed. */
  routedTo: string | null;
  score: number;
  reason: string;
  candidates: SkillCandidate[];
  /** Microseconds the decision took. */
  decisionUs: number;
}

/**
 * A bounded log of decisions.
 * @example
 * ```ts
 * const log = new DecisionLog(1000);
 * log.add(decision);
 * log.list({ limit: 20 });
 * ```
 */
export class DecisionLog {
  private readonly ring: (RoutingDecision | undefined)[];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  /** Records a decision. */
  add(d: RoutingDecision): void {
    this.ring[this.next] = d;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Decisions newest first, optionally of one tenant, only routed/unrouted ones. */
  list(q: { limit?: number; tenant?: string | undefined; routed?: boolean | undefined } = {}): RoutingDecision[] {
    const out: RoutingDecision[] = [];
    const limit = q.limit ?? 100;
    for (let k = 1; k <= this.count && out.length < limit; k++) {
      const d = this.ring[(this.next - k + this.capacity) % this.capacity]!;
      if (q.tenant !== undefined && d.tenant !== q.tenant) continue;
      if (q.routed !== undefined && (d.routedTo !== null) !== q.routed) continue;
      out.push(d);
    }
    return out;
  }

  /** A decision by id. */
  get(id: string): RoutingDecision | undefined {
    for (const d of this.ring) if (d?.id === id) return d;
    return undefined;
  }
}
