/**
 * A budget reservation: the estimate held on every applicable counter until the call settles.
 */
import type { CounterState } from './counter-state.js';

/** Held budget for one call; pass it to `settle` (success) or `release` (failure). */
export class BudgetReservation {
  /** @internal Counters the estimate is held on. */
  readonly parts: readonly CounterState[];
  /** The estimate held, in micro-dollars. */
  readonly amountMicros: number;
  /** A cheaper model the spec asks for because a budget is nearly exhausted, or null. */
  readonly downgradeTo: string | null;
  /** @internal True once settled or released. */
  done = false;

  constructor(parts: readonly CounterState[], amountMicros: number, downgradeTo: string | null) {
    this.parts = parts;
    this.amountMicros = amountMicros;
    this.downgradeTo = downgradeTo;
  }
}

/** The reservation of calls no budget applies to (settling it does nothing). */
export const NO_RESERVATION = new BudgetReservation([], 0, null);
