/**
 * The cockatiel policies of one upstream (provider + upstream model): a circuit breaker that counts
 * upstream faults, and a retry policy with exponential backoff and jitter that waits at least as
 * long as the upstream's `Retry-After` asks.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  SamplingBreaker,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import type { CircuitBreakerSpec, RetrySpec } from './resilience-spec.js';
import { isRetryable, retryAfterMs } from './upstream-fault.js';

/** The breaker states daca reports (`none` = no breaker declared). */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated' | 'none';

/** True for the errors cockatiel throws when a circuit rejects a call. */
export function isCircuitOpen(e: unknown): boolean {
  return e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError;
}

/** Upstream faults that count against the breaker (never the breaker's own rejections). */
function countsAgainstBreaker(e: Error): boolean {
  return !isCircuitOpen(e) && isRetryable(e);
}

/** A circuit breaker for one upstream. */
export function createBreaker(spec: CircuitBreakerSpec): CircuitBreakerPolicy {
  const breaker =
    spec.failure_rate !== undefined
      ? new SamplingBreaker({ threshold: spec.failure_rate, duration: spec.window_ms, ...(spec.min_rps > 0 ? { minimumRps: spec.min_rps } : {}) })
      : new ConsecutiveBreaker(spec.consecutive_failures ?? 5);
  return circuitBreaker(handleWhen(countsAgainstBreaker), { halfOpenAfter: spec.half_open_after_ms, breaker });
}

/** The state of a breaker in daca's words. */
export function breakerState(b: CircuitBreakerPolicy | null): BreakerState {
  if (!b) return 'none';
  switch (b.state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    default:
      return 'isolated';
  }
}

/** Backoff that never waits less than the failed attempt's `Retry-After`. */
class RetryAfterBackoff implements IBackoff<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly inner: IBackoff<unknown>,
    readonly duration: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const inner = this.inner.next(context);
    return new RetryAfterBackoff(inner, Math.max(inner.duration, 'error' in context.result ? retryAfterMs(context.result.error) : 0));
  }
}

class RetryAfterBackoffFactory implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const inner = this.inner.next(context);
    return new RetryAfterBackoff(inner, Math.max(inner.duration, 'error' in context.result ? retryAfterMs(context.result.error) : 0));
  }
}

/**
 * A retry policy for one upstream. Retries only retryable errors, never an open circuit, and never
 * an upstream whose `Retry-After` exceeds `max_retry_after_ms` (that call fails over instead).
 */
export function createRetry(spec: RetrySpec): RetryPolicy {
  const backoff = new RetryAfterBackoffFactory(
    new ExponentialBackoff({ initialDelay: spec.initial_delay_ms, maxDelay: Math.max(spec.max_delay_ms, spec.initial_delay_ms) }),
  );
  const retryWhen = (e: Error): boolean => !isCircuitOpen(e) && isRetryable(e) && retryAfterMs(e) <= spec.max_retry_after_ms;
  return retry(handleWhen(retryWhen), { maxAttempts: spec.max_retries, backoff });
}
