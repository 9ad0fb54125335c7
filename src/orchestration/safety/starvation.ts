/**
 * Starvation detection: every agent that asks for something (a match, a slot, a model call) is
 * tracked from the moment it starts waiting until it is served; one waiting longer than the
 * threshold is starving. Detection is separate from prevention (ageing priorities).
 */

/** A starving agent. */
export interface Starving {
  agent: string;
  what: string;
  waitedMs: number;
}

/**
 * @example
 * ```ts
 * const s = new StarvationDetector(30_000);
 * s.waiting('buyer-7', 'need-1', 0);
 * s.check(45_000); // [{ agent: 'buyer-7', what: 'need-1', waitedMs: 45000 }]
 * ```
 */
export class StarvationDetector {
  private readonly waits = new Map<string, { agent: string; what: string; since: number }>();
  /** Every agent ever found starving (detection is sticky: the report counts it once). */
  readonly starved = new Map<string, Starving>();

  constructor(readonly thresholdMs: number) {}

  /** `agent` starts waiting for `what` at `now` (no-op when it already waits for it). */
  waiting(agent: string, what: string, now: number): void {
    const k = `${agent}\u0000${what}`;
    if (!this.waits.has(k)) this.waits.set(k, { agent, what, since: now });
  }

  /** `agent` got `what` (or no longer needs it). */
  served(agent: string, what: string): void {
    this.waits.delete(`${agent}\u0000${what}`);
  }

  /** Waits now. */
  get size(): number {
    return this.waits.size;
  }

  /** Agents waiting longer than the threshold at `now` (also remembered in `starved`). */
  check(now: number): Starving[] {
    const r: Starving[] = [];
    for (const w of this.waits.values()) {
      const waited = now - w.since;
      if (waited > this.thresholdMs) {
        const s = { agent: w.agent, what: w.what, waitedMs: waited };
        r.push(s);
        if (!this.starved.has(w.agent)) this.starved.set(w.agent, s);
      }
    }
    return r;
  }
}
