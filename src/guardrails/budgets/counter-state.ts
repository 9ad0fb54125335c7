/**
 * What one node knows about one budget counter: its lease (budget reserved for this node in the
 * database), the estimates of calls in flight, and spend not yet written back.
 */
import type { CounterRef } from './budget-ledger.js';
import type { CompiledBudget } from './budget-policy.js';

/** One counter on this node. Amounts in micro-dollars. */
export class CounterState {
  /** Budget this node holds in the database for this counter (its lease). */
  granted = 0;
  /** Estimates of reservations not yet settled or released. */
  inFlight = 0;
  /** Settled spend not yet written to the database. */
  unflushed = 0;
  /** The lease may be used locally until this time (its expiry minus a safety margin). */
  validUntil = 0;
  /** When the lease must be renewed in the database at the latest. */
  renewAt = 0;
  /** Counter totals at the last database operation (all nodes). */
  dbSpent = 0;
  dbReserved = 0;
  /** Granted amount at the last database operation (to tell other nodes' reservations apart). */
  grantedAtDb = 0;
  /** Last time a call used this counter. */
  lastUsed = 0;
  /** Index into the budget's levels of the next alert level to report. */
  nextLevel = 0;
  /** The database operation (grow or write-back) in progress, if any. */
  busy: Promise<unknown> | null = null;

  constructor(
    readonly ref: CounterRef,
    readonly budget: CompiledBudget,
    readonly leaseId: string,
    /** `agent:triage/day`: how hooks and alerts name this counter. */
    readonly label: string,
  ) {}

  /** Budget this node may still hand out locally at `now`. */
  available(now: number): number {
    return now < this.validUntil ? this.granted - this.inFlight - this.unflushed : 0;
  }

  /** Spend as far as this node knows: written spend plus its own unwritten spend. */
  get spent(): number {
    return this.dbSpent + this.unflushed;
  }

  /** Budget held by calls in flight on every node, as far as this node knows. */
  get reservedElsewhere(): number {
    return Math.max(0, this.dbReserved - this.grantedAtDb);
  }
}
