/**
 * A periodic task on a {@link Clock}: runs `tick` every `intervalMs`, never overlapping itself, and
 * reports failures to `onError` instead of throwing (a side path must not break the main path).
 */
import type { Clock, Timer } from './clock.js';

/** Options of a {@link PeriodicTask}. */
export interface PeriodicTaskOptions {
  clock: Clock;
  intervalMs: number;
  tick: () => Promise<void>;
  onError: (err: unknown) => void;
}

/**
 * Runs a tick on a schedule.
 *
 * @example
 * ```ts
 * const task = new PeriodicTask({ clock: systemClock, intervalMs: 60_000, tick: () => monitor.tick(), onError: log });
 * task.start();
 * ```
 */
export class PeriodicTask {
  private timer: Timer | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(private readonly opts: PeriodicTaskOptions) {}

  /** Starts the schedule; the first tick runs after one interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.arm();
  }

  /** Runs one tick now (waiting for a running one first). */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.opts.tick().catch((e: unknown) => this.opts.onError(e));
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Stops the schedule and waits for a running tick. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    if (this.running) await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.opts.clock.setTimer(() => {
      this.timer = null;
      void this.runOnce().finally(() => this.arm());
    }, this.opts.intervalMs);
  }
}
