/**
 * Time for orchestration: a `Clock` gives the time and timers. `RealClock` is wall time;
 * `SimClock` is a discrete-event clock: timers fire in time order, and time advances to the next
 * timer only when all tracked work of the current instant has settled, so a simulated hour of a
 * market runs in seconds and the same seed gives the same run.
 */

/** A timer handle. */
export interface ClockTimer {
  /** When it fires, clock ms. */
  readonly at: number;
}

/** Time and timers, injected wherever orchestration waits. */
export interface Clock {
  /** Now, ms. */
  now(): number;
  /** Calls `fn` after `ms` (its result, when a promise, is tracked by simulated clocks). */
  setTimer(ms: number, fn: () => unknown): ClockTimer;
  /** Cancels a timer (no-op when it fired). */
  clearTimer(t: ClockTimer): void;
  /** Tracks async work started outside a timer, so a simulated clock waits for it. */
  track<T>(p: Promise<T>): Promise<T>;
  /** Waits `ms` of clock time (inside tracked work, a simulated clock moves on meanwhile). */
  sleep(ms: number): Promise<void>;
}

/** Wall time (`Date.now`, `setTimeout`). */
export class RealClock implements Clock {
  private readonly handles = new WeakMap<ClockTimer, NodeJS.Timeout>();
  /** @inheritDoc */
  now(): number {
    return Date.now();
  }
  /** @inheritDoc */
  setTimer(ms: number, fn: () => unknown): ClockTimer {
    const t: ClockTimer = { at: Date.now() + ms };
    const h = setTimeout(() => void Promise.resolve(fn()).catch(() => {}), Math.max(0, ms));
    h.unref?.();
    this.handles.set(t, h);
    return t;
  }
  /** @inheritDoc */
  clearTimer(t: ClockTimer): void {
    const h = this.handles.get(t);
    if (h) clearTimeout(h);
  }
  /** @inheritDoc */
  track<T>(p: Promise<T>): Promise<T> {
    return p;
  }
  /** @inheritDoc */
  sleep(ms: number): Promise<void> {
    return new Promise((r) => void this.setTimer(ms, r));
  }
}

interface Entry extends ClockTimer {
  seq: number;
  fn: (() => unknown) | null;
}

/**
 * A discrete-event clock.
 * @example
 * ```ts
 * const clock = new SimClock(0);
 * clock.setTimer(60_000, () => console.log('a simulated minute later', clock.now()));
 * await clock.run(); // returns at once, clock.now() === 60_000
 * ```
 */
export class SimClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly heap: Entry[] = [];
  /** Flows of tracked work that can run now (a sleeping flow does not count). */
  private busy = 0;
  private idle: (() => void)[] = [];
  private stopped = false;
  /** Timers fired so far. */
  fired = 0;
  /** Errors thrown by timer callbacks (they never stop the clock). */
  readonly errors: unknown[] = [];

  constructor(start = 0, private readonly opts: { pace?: number; onError?: (e: unknown) => void } = {}) {
    this.t = start;
  }

  /** @inheritDoc */
  now(): number {
    return this.t;
  }

  /** Timers pending. */
  get pending(): number {
    return this.heap.length;
  }

  /** @inheritDoc */
  setTimer(ms: number, fn: () => unknown): ClockTimer {
    const e: Entry = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.push(e);
    return e;
  }

  /** @inheritDoc */
  clearTimer(t: ClockTimer): void {
    (t as Entry).fn = null;
  }

  /** @inheritDoc */
  track<T>(p: Promise<T>): Promise<T> {
    this.busy++;
    const done = (): void => this.less();
    p.then(done, done);
    return p;
  }

  /** @inheritDoc */
  sleep(ms: number): Promise<void> {
    this.less();
    return new Promise((r) =>
      void this.setTimer(ms, () => {
        this.busy++;
        r();
      }),
    );
  }

  /** Tracked work now. */
  get inFlight(): number {
    return this.busy;
  }

  private less(): void {
    if (--this.busy <= 0 && this.idle.length) {
      const w = this.idle;
      this.idle = [];
      for (const r of w) r();
    }
  }

  /** Stops `run` at the next instant. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Fires timers in order until none is left, `until` is reached, or `stop()`; between instants
   * it waits for tracked work. With `pace` (simulated ms per wall ms) it also waits in wall time.
   */
  async run(until = Infinity): Promise<void> {
    this.stopped = false;
    const wall0 = Date.now();
    const sim0 = this.t;
    let yielded = performance.now();
    for (;;) {
      await this.settle();
      if (this.stopped) return;
      // Everything above may be pure microtasks: let timers and I/O of the process run now and then.
      if (performance.now() - yielded > 20) {
        await new Promise<void>((r) => setImmediate(r));
        yielded = performance.now();
      }
      const next = this.heap[0];
      if (!next || next.at > until) {
        if (until !== Infinity && until > this.t) this.t = until;
        return;
      }
      if (!next.fn) {
        this.pop();
        continue;
      }
      if (this.opts.pace) {
        const wait = (next.at - sim0) / this.opts.pace - (Date.now() - wall0);
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, Math.min(wait, 250)));
          continue;
        }
      }
      this.t = next.at;
      while (this.heap.length && this.heap[0]!.at === this.t) {
        const e = this.pop();
        if (!e.fn) continue;
        this.fired++;
        try {
          const r = e.fn();
          if (r && typeof (r as Promise<unknown>).then === 'function') this.track((r as Promise<unknown>).catch((err: unknown) => this.fail(err)));
        } catch (err) {
          this.fail(err);
        }
      }
    }
  }

  private fail(e: unknown): void {
    if (this.errors.length < 100) this.errors.push(e);
    this.opts.onError?.(e);
  }

  private async settle(): Promise<void> {
    // Always yield once, so work queued as microtasks (in-process bus deliveries) runs first.
    do {
      await Promise.resolve();
      if (this.busy > 0) await new Promise<void>((r) => this.idle.push(r));
    } while (this.busy > 0);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, e)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && less(h[r]!, h[l]!) ? r : l;
        if (less(last, h[c]!)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
