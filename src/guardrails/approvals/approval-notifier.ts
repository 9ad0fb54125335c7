/**
 * In-process wake-ups for requests waiting on an approval. Decisions made on this node wake
 * waiters at once; decisions made on other nodes are seen by polling the store.
 */

/** Wakes waiters by approval id. */
export class ApprovalNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Wakes every waiter of `id`. */
  notify(id: string): void {
    const set = this.waiters.get(id);
    if (!set) return;
    this.waiters.delete(id);
    for (const wake of set) wake();
  }

  /** Resolves on `notify(id)`, after `ms`, or when `signal` aborts, whichever is first. */
  nap(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        const s = this.waiters.get(id);
        if (s) {
          s.delete(done);
          if (s.size === 0) this.waiters.delete(id);
        }
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      set.add(done);
      if (signal) {
        if (signal.aborted) done();
        else signal.addEventListener('abort', done, { once: true });
      }
    });
  }

  /** Number of waiting requests (for tests and metrics). */
  get waiting(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }
}
