/**
 * Failure injection of the sim provider: which calls fail, how, and the errors they throw.
 */
import { RateLimitError, UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import { mix32 } from './hash.js';
import type { SimMarkers } from './markers.js';

/** How one call fails. */
export type SimFailure =
  | { kind: 'status'; status: number }
  | { kind: 'timeout' }
  | { kind: 'malformed' };

/**
 * The injected failure of call number `counter`, if any: a marker forces one; otherwise one draw
 * `u = hash(seed, counter)` ∈ [0,1) is compared against the cumulative rates in the order
 * error_5xx, rate_limit_429, timeout, malformed_stream (so the rates are exclusive and sum).
 * 5xx statuses are 500–503, also from the draw.
 */
export function drawFailure(rates: SimProviderSpec['failures'], seed: number, counter: number, markers: SimMarkers): SimFailure | null {
  const forced = markers.fail;
  if (forced !== undefined) {
    if (forced === 'timeout') return { kind: 'timeout' };
    if (forced === 'malformed') return { kind: 'malformed' };
    return { kind: 'status', status: forced };
  }
  const total = rates.error_5xx + rates.rate_limit_429 + rates.timeout + rates.malformed_stream;
  if (total <= 0) return null;
  const h = mix32(mix32(seed ^ 0x5f3759df) ^ counter);
  const u = h / 0x1_0000_0000;
  let edge = rates.error_5xx;
  if (u < edge) return { kind: 'status', status: 500 + (mix32(h) % 4) };
  if (u < (edge += rates.rate_limit_429)) return { kind: 'status', status: 429 };
  if (u < (edge += rates.timeout)) return { kind: 'timeout' };
  if (u < (edge += rates.malformed_stream)) return { kind: 'malformed' };
  return null;
}

/** The error an injected HTTP-status failure throws. */
export function statusError(provider: string, status: number): UpstreamError | RateLimitError {
  if (status === 429) return new RateLimitError(`sim provider '${provider}': upstream rate limit (injected)`, 1, { upstream_status: 429, provider });
  return new UpstreamError(`sim provider '${provider}': upstream returned ${status} (injected)`, { details: { upstream_status: status, provider } });
}

/** The error a broken stream (or unparseable non-streaming body) throws. */
export function malformedError(provider: string): UpstreamError {
  return new UpstreamError(`sim provider '${provider}': malformed upstream response (injected)`, {
    details: { upstream_status: 200, provider, reason: 'malformed_stream' },
  });
}

/** The error thrown when the call's signal aborts (an injected timeout, a deadline, or a disconnect). */
export function abortError(provider: string, signal: AbortSignal, timedOut: boolean): UpstreamError {
  const reason: unknown = signal.reason;
  const isTimeout = timedOut || (reason instanceof Error && reason.name === 'TimeoutError');
  const opts = { details: { provider }, cause: reason };
  return isTimeout
    ? new UpstreamTimeoutError(`sim provider '${provider}': upstream timed out`, opts)
    : new UpstreamError(`sim provider '${provider}': request aborted`, opts);
}

/** Resolves never; rejects with {@link abortError} (as a timeout) once `signal` aborts. */
export function hangUntilAborted(provider: string, signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(abortError(provider, signal, true));
    else signal.addEventListener('abort', () => reject(abortError(provider, signal, true)), { once: true });
  });
}
