/**
 * Deadlock detection across agents: a wait-for graph whose edges are outstanding calls and
 * contracts ("A waits for B": A holds a resource and asked B for one, or A awaits B's answer).
 * A cycle is a deadlock; it is resolved by aborting one waiter in the cycle (the youngest, so
 * older work makes progress), and every wait also has a timeout as a second line of defence.
 */

/** One wait: `waiter` needs something `holder` has (or owes). */
export interface WaitEdge {
  waiter: string;
  holder: string;
  /** What is awaited (a call id, a contract, a resource). */
  what: string;
  /** When the wait started (clock ms). */
  since: number;
}

/** A detected deadlock. */
export interface Deadlock {
  /** The agents in the cycle, in wait order (each waits for the next; the last for the first). */
  cycle: string[];
  /** The edges of the cycle. */
  edges: WaitEdge[];
  /** The waiter chosen to give up (youngest wait). */
  victim: string;
}

/**
 * @example
 * ```ts
 * const g = new WaitForGraph();
 * g.wait('a', 'b', 'lock:x', 1); g.wait('b', 'a', 'lock:y', 2);
 * g.deadlocks()[0].victim; // 'b' (its wait is younger)
 * ```
 */
export class WaitForGraph {
  private readonly out = new Map<string, Map<string, WaitEdge>>();
  private edges = 0;

  /** Edges now. */
  get size(): number {
    return this.edges;
  }

  /** Records that `waiter` waits for `holder`. */
  wait(waiter: string, holder: string, what: string, since: number): void {
    let m = this.out.get(waiter);
    if (!m) this.out.set(waiter, (m = new Map()));
    if (!m.has(`${holder}\u0000${what}`)) this.edges++;
    m.set(`${holder}\u0000${what}`, { waiter, holder, what, since });
  }

  /** Removes one wait (the answer came, the contract ended). */
  release(waiter: string, holder: string, what: string): void {
    const m = this.out.get(waiter);
    if (m?.delete(`${holder}\u0000${what}`)) this.edges--;
    if (m && m.size === 0) this.out.delete(waiter);
  }

  /** Removes every wait on `what` (the call or contract ended), whoever waits. */
  releaseWhat(what: string): void {
    for (const [waiter, m] of this.out) {
      for (const [k, e] of m) if (e.what === what) {
        m.delete(k);
        this.edges--;
      }
      if (m.size === 0) this.out.delete(waiter);
    }
  }

  /** Removes every wait of `waiter` (it gave up or died). */
  releaseAll(waiter: string): void {
    const m = this.out.get(waiter);
    if (m) this.edges -= m.size;
    this.out.delete(waiter);
  }

  /** Waits older than `maxAgeMs` at `now` (timeouts). */
  expired(now: number, maxAgeMs: number): WaitEdge[] {
    const r: WaitEdge[] = [];
    for (const m of this.out.values()) for (const e of m.values()) if (now - e.since > maxAgeMs) r.push(e);
    return r;
  }

  /** Every elementary deadlock found by a DFS over the graph (one cycle per strongly connected knot). */
  deadlocks(): Deadlock[] {
    const WHITE = 0, GREY = 1, BLACK = 2;
    const color = new Map<string, number>();
    const stack: string[] = [];
    const via: WaitEdge[] = [];
    const found: Deadlock[] = [];
    const seen = new Set<string>();
    const visit = (u: string): void => {
      color.set(u, GREY);
      stack.push(u);
      for (const e of this.out.get(u)?.values() ?? []) {
        const c = color.get(e.holder) ?? WHITE;
        if (c === GREY) {
          const start = stack.indexOf(e.holder);
          const cycle = stack.slice(start);
          const edges = [...via.slice(start), e];
          const sig = [...cycle].sort().join('|');
          if (!seen.has(sig)) {
            seen.add(sig);
            const victim = edges.reduce((a, b) => (b.since > a.since ? b : a)).waiter;
            found.push({ cycle, edges, victim });
          }
        } else if (c === WHITE) {
          via.push(e);
          visit(e.holder);
          via.pop();
        }
      }
      stack.pop();
      color.set(u, BLACK);
    };
    for (const u of this.out.keys()) if ((color.get(u) ?? WHITE) === WHITE) visit(u);
    return found;
  }
}
