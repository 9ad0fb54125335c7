/**
 * What the balancer knows about one instance: EWMA latency, calls in flight, and its circuit
 * breaker (closed → open after consecutive failures → half-open trial after a cool-down).
 */

/** Breaker position of an instance. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Live statistics and breaker of one instance. */
export class InstanceState {
  /** EWMA of successful call latency (ms); seeded optimistic so new instances get traffic. */
  ewmaMs = 1;
  inFlight = 0;
  consecutiveFailures = 0;
  openUntil = 0;
  /** A half-open trial is running. */
  probing = false;
  calls = 0;
  failures = 0;

  constructor(
    readonly instanceId: string,
    private readonly alpha: number,
  ) {}

  /** The breaker's position at `now`. */
  breaker(now: number): BreakerState {
    if (this.openUntil === 0) return 'closed';
    return now < this.openUntil ? 'open' : 'half-open';
  }

  /** Whether a new call may go to this instance at `now` (not ejected, and at most one half-open trial). */
  available(now: number): boolean {
    const b = this.breaker(now);
    return b === 'closed' || (b === 'half-open' && !this.probing);
  }

  /** The cost P2C compares: latency scaled by queueing (in-flight + 1). */
  cost(): number {
    return this.ewmaMs * (this.inFlight + 1);
  }

  /** Records a success. */
  succeeded(latencyMs: number): void {
    this.calls++;
    this.ewmaMs = this.ewmaMs + this.alpha * (latencyMs - this.ewmaMs);
    this.consecutiveFailures = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  /** Records a failure; opens the breaker after `threshold` in a row (or at once after a failed trial). */
  failed(now: number, threshold: number, openMs: number): void {
    this.calls++;
    this.failures++;
    this.consecutiveFailures++;
    if (this.probing || this.consecutiveFailures >= threshold) this.openUntil = now + openMs;
    this.probing = false;
  }

  /** Ejects the instance at once (its connection was refused: it is gone). */
  eject(now: number, openMs: number): void {
    this.consecutiveFailures++;
    this.failures++;
    this.calls++;
    this.openUntil = now + openMs;
    this.probing = false;
  }
}
