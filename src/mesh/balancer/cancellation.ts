/**
 * What the balancer reads of a caller's cancellation, and a cheap one for the mesh hop. An
 * AbortSignal is a {@link CallSignal}; a {@link Cancellation} is one that costs a plain object
 * instead of an AbortController and its EventTarget (the hop creates one per request and almost
 * never fires it: measured ~2% of daca's CPU per hop).
 */

/** A caller's cancellation as {@link Balancer.call} uses it (an AbortSignal is one). */
export interface CallSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A one-shot cancellation: `abort(reason)` calls each listener once.
 * @example
 * ```ts
 * const gone = new Cancellation();
 * res.once('close', () => { if (!res.writableFinished) gone.abort(new Error('the client went away')); });
 * await balancer.call(instances, attempt, { retries: 1, idempotent: true, deadlineMs, signal: gone });
 * ```
 */
export class Cancellation implements CallSignal {
  private fired = false;
  private why: unknown = undefined;
  private listeners: (() => void)[] | null = null;

  get aborted(): boolean {
    return this.fired;
  }

  get reason(): unknown {
    return this.why;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.fired) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  /** Fires the listeners (once); later calls do nothing. */
  abort(reason: unknown): void {
    if (this.fired) return;
    this.fired = true;
    this.why = reason;
    const ls = this.listeners;
    this.listeners = null;
    for (const l of ls ?? []) l();
  }
}
