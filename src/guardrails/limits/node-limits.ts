/**
 * The rate-limit engine of a running node, created on first use per loaded spec and shared by
 * the gateway and `/api/limits`. Counters live in Redis when `DACA_REDIS_URL` is set.
 */
import type { Spec } from '../../spec/schema.js';
import { RateLimits } from './rate-limits.js';

const bySpec = new WeakMap<object, RateLimits>();

/**
 * The node's RateLimits for its current spec (Redis from `redisUrl`, default `DACA_REDIS_URL`; counter
 * keys under `DACA_REDIS_PREFIX`, default `daca:rl`, so test fleets can share one Redis).
 * `Services.close()` should call `limitsOf(s).close()` (it disconnects Redis).
 *
 * @example
 * ```ts
 * const d = await limitsOf(services).check(principal, attribution, estimatedTokens);
 * ```
 */
export function limitsOf(s: { spec: { spec: Spec }; logger?: { warn(o: object, msg: string): void } }, redisUrl: string | undefined = process.env.DACA_REDIS_URL): RateLimits {
  let l = bySpec.get(s.spec.spec);
  if (!l) {
    const keyPrefix = process.env.DACA_REDIS_PREFIX?.trim() || 'daca:rl';
    l = RateLimits.create({ rules: s.spec.spec.rate_limits, redisUrl, keyPrefix, onError: (err) => s.logger?.warn({ err }, 'rate-limit store unavailable; using per-node counters') });
    bySpec.set(s.spec.spec, l);
  }
  return l;
}
