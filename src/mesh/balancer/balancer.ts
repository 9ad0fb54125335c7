/**
 * Load balancing between the instances of an agent: power of two choices on EWMA latency × calls
 * in flight, per-instance circuit breakers with outlier ejection, failover retries on another
 * instance, deadlines, and a bounded wait queue that answers 429 when full instead of holding
 * unbounded memory.
 */
import type { CallSignal } from './cancellation.js';
import { RateLimitError, UpstreamTimeoutError, UpstreamUnavailableError } from '../../errors.js';
import { InstanceState } from './instance-state.js';

/** An error of one attempt, saying whether the callee may have acted on it. */
export class AttemptError extends Error {
  constructor(
    message: string,
    /** False when the request never reached the instance (connection refused): always safe to retry. */
    readonly delivered: boolean,
    /** Whether another instance might succeed (5xx, timeouts, connection errors). */
    readonly retryable: boolean,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
    this.name = 'AttemptError';
  }
}

/** Settings of a {@link Balancer}. */
export interface BalancerOptions {
  maxInFlight: number;
  maxQueue: number;
  failureThreshold: number;
  openMs: number;
  alpha: number;
  now?: () => number;
  random?: () => number;
}

/** Per-call options of {@link Balancer.call}. */
export interface BalancedCallOptions {
  /** Failover attempts after the first. */
  retries: number;
  /** Retry after any retryable failure (else only when the request was never delivered). */
  idempotent: boolean;
  /** Absolute deadline, epoch ms. */
  deadlineMs: number;
  /** The caller's cancellation: aborts the attempt in flight (an AbortSignal, or a cheaper {@link CallSignal}). */
  signal?: CallSignal | undefined;
}

/** Something with an instance id (the balancer needs nothing else). */
export interface Balanced {
  instanceId: string;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * Chooses instances and runs calls on them.
 * @example
 * ```ts
 * const b = new Balancer({ maxInFlight: 64, maxQueue: 256, failureThreshold: 3, openMs: 5000, alpha: 0.3 });
 * const reply = await b.call(instances, (i, signal) => send(i.endpoint, msg, signal), { retries: 2, idempotent: true, deadlineMs: Date.now() + 500 });
 * ```
 */
export class Balancer {
  private readonly states = new Map<string, InstanceState>();
  private readonly waiters: Waiter[] = [];
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: BalancerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** The state of an instance (created on first sight). */
  state(instanceId: string): InstanceState {
    let s = this.states.get(instanceId);
    if (!s) {
      s = new InstanceState(instanceId, this.opts.alpha);
      this.states.set(instanceId, s);
    }
    return s;
  }

  /** Calls waiting for a free instance. */
  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Picks an instance by power of two choices among those whose breaker admits a call, that are
   * below `maxInFlight`, and not in `exclude`. Null when none is free right now.
   */
  pick<T extends Balanced>(instances: readonly T[], exclude?: ReadonlySet<string>): T | null {
    const now = this.now();
    let a: T | null = null;
    let b: T | null = null;
    let seen = 0;
    // reservoir-sample two distinct candidates in one pass (no allocation)
    for (const i of instances) {
      if (exclude?.has(i.instanceId)) continue;
      const s = this.state(i.instanceId);
      if (!s.available(now) || s.inFlight >= this.opts.maxInFlight) continue;
      seen++;
      if (seen === 1) a = i;
      else if (seen === 2) b = i;
      else {
        const r = Math.floor(this.random() * seen);
        if (r === 0) a = i;
        else if (r === 1) b = i;
      }
    }
    if (!a) return null;
    if (!b) return a;
    const sa = this.state(a.instanceId);
    const sb = this.state(b.instanceId);
    // a half-open instance gets its single trial call
    if (sa.breaker(now) === 'half-open') return a;
    if (sb.breaker(now) === 'half-open') return b;
    return sa.cost() <= sb.cost() ? a : b;
  }

  /** True when at least one instance is not ejected (so waiting can help). */
  private anyAlive<T extends Balanced>(instances: readonly T[], exclude?: ReadonlySet<string>): boolean {
    const now = this.now();
    for (const i of instances) if (!exclude?.has(i.instanceId) && this.state(i.instanceId).available(now)) return true;
    return false;
  }

  /**
   * Runs `attempt` on a chosen instance, failing over to another one on a retryable failure
   * (always when the request was never delivered; after delivery only for idempotent calls).
   * Waits in the bounded queue when every instance is busy; throws 429 when the queue is full,
   * 503 when no instance is alive, 502 (timeout) at the deadline.
   */
  async call<T extends Balanced, R>(
    instances: readonly T[] | (() => readonly T[]),
    attempt: (instance: T, signal: AbortSignal) => Promise<R>,
    opts: BalancedCallOptions,
  ): Promise<R> {
    const list = typeof instances === 'function' ? instances : () => instances;
    const tried = new Set<string>();
    let lastError: unknown = null;
    for (let n = 0; n <= opts.retries; n++) {
      let inst = this.pick(list(), tried);
      while (!inst) {
        const current = list();
        if (!this.anyAlive(current, tried)) {
          if (lastError) throw lastError instanceof AttemptError ? new UpstreamUnavailableError(`every instance failed: ${lastError.message}`, { cause: lastError }) : lastError;
          throw new UpstreamUnavailableError(current.length ? 'every instance of the agent is ejected (circuit open)' : 'no live instance of the agent is registered');
        }
        await this.wait(opts.deadlineMs);
        inst = this.pick(list(), tried);
      }
      tried.add(inst.instanceId);
      const s = this.state(inst.instanceId);
      const now = this.now();
      if (s.breaker(now) === 'half-open') s.probing = true;
      s.inFlight++;
      const t0 = performance.now();
      const remaining = opts.deadlineMs - now;
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(new UpstreamTimeoutError(`the call did not finish within its deadline (${Math.max(0, remaining)} ms)`)), Math.max(1, remaining));
      const onAbort = () => ctl.abort(opts.signal?.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const r = await attempt(inst, ctl.signal);
        s.succeeded(performance.now() - t0);
        return r;
      } catch (e) {
        lastError = ctl.signal.aborted && ctl.signal.reason instanceof UpstreamTimeoutError ? ctl.signal.reason : e;
        const at = e instanceof AttemptError ? e : null;
        if (at && !at.delivered) s.eject(this.now(), this.opts.openMs);
        else if (!at || at.retryable || lastError instanceof UpstreamTimeoutError) s.failed(this.now(), this.opts.failureThreshold, this.opts.openMs);
        else s.succeeded(performance.now() - t0); // the instance answered (a caller error): it is healthy
        const retry = at !== null && at.retryable && (!at.delivered || opts.idempotent) && this.now() < opts.deadlineMs && !opts.signal?.aborted;
        if (!retry) throw lastError;
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        s.inFlight--;
        this.wake();
      }
    }
    throw lastError instanceof AttemptError ? new UpstreamUnavailableError(`every attempt failed: ${lastError.message}`, { cause: lastError }) : lastError;
  }

  private wait(deadlineMs: number): Promise<void> {
    if (this.waiters.length >= this.opts.maxQueue)
      return Promise.reject(new RateLimitError(`the mesh is at capacity: ${this.waiters.length} calls are already waiting for an instance`, 1, { queued: this.waiters.length }));
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new UpstreamTimeoutError('no instance became free before the deadline'));
        }, Math.max(1, Math.min(deadlineMs - this.now(), 60_000))),
      };
      this.waiters.push(w);
      // an ejected instance may come back (half-open) without any call finishing: poll lightly
      if (this.waiters.length === 1) setTimeout(() => this.wake(), 50).unref();
    });
  }

  private wake(): void {
    const w = this.waiters.shift();
    if (!w) return;
    clearTimeout(w.timer);
    w.resolve();
  }
}
