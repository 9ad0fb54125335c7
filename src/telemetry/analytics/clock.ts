/**
 * Time for the observability loops: a `Clock` reads the time and sets timers, so schedulers and
 * webhook retries run on the wall clock in production and on a {@link ManualClock} in tests.
 */

/** A cancellable timer handle. */
export interface Timer {
  cancel(): void;
}

/** Reads the time and schedules callbacks. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): Timer;
  /** Resolves after `ms` milliseconds (of this clock). */
  sleep(ms: number): Promise<void>;
}

/**
 * The wall clock; its timers are `unref`'d so they never keep the process alive.
 *
 * @example
 * ```ts
 * await systemClock.sleep(100);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  sleep(ms) {
    return new Promise((resolve) => systemClock.setTimer(resolve, ms));
  },
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to: `advance(ms)` runs every timer that falls due, in order,
 * letting promise callbacks settle between them.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(Date.parse('2026-01-01'));
 * const slept = clock.sleep(1000);
 * await clock.advance(1000); // slept resolves
 * ```
 */
export class ManualClock implements Clock {
  private timers: Pending[] = [];
  private seq = 0;

  constructor(private t: number = 0) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const p: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(p);
    return { cancel: () => void (this.timers = this.timers.filter((x) => x !== p)) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, ms));
  }

  /** Number of timers waiting. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running due timers in time order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((p) => p !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
    await settle();
  }
}

/** Lets queued promise callbacks (and a turn of I/O) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
