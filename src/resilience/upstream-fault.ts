/**
 * Which upstream errors are worth retrying, failing over and counting against a circuit breaker.
 *
 * Retryable: upstream 429, 5xx, network failures and timeouts. Never: errors the caller caused
 * (400, 404, 413, 422 …), a client that went away, or anything that is not an upstream's fault.
 */
import { ClientClosedError, DacaError, RateLimitError, UpstreamError } from '../errors.js';

/**
 * True when `e` is an upstream fault another attempt may not hit: 429, 5xx, network, timeout.
 *
 * @example
 * ```ts
 * isRetryable(new RateLimitError('slow down', 1)); // true
 * isRetryable(new InvalidRequestError('bad')); // false
 * ```
 */
export function isRetryable(e: unknown): boolean {
  if (e instanceof ClientClosedError) return false;
  if (e instanceof RateLimitError) return true;
  if (e instanceof UpstreamError) {
    const status = e.details.upstream_status;
    // An UpstreamError carrying a 4xx other than 408/429 is the request's fault upstream.
    if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429) return false;
    return true;
  }
  if (e instanceof DacaError) return false;
  // A raw error from below the provider layer (socket reset, DNS …) is a network fault.
  return e instanceof Error && e.name !== 'AbortError';
}

/** The upstream's `Retry-After` in ms, or 0 when it gave none. */
export function retryAfterMs(e: unknown): number {
  if (!(e instanceof DacaError)) return 0;
  const ms = e.details.retry_after_ms;
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
  const h = e.headers['retry-after'];
  if (h === undefined) return 0;
  const s = Number(h);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

/** A short, log-safe description of an error: its code and message. */
export function describeError(e: unknown): { code: string; message: string } {
  if (e instanceof DacaError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: e.name, message: e.message };
  return { code: 'error', message: String(e) };
}
