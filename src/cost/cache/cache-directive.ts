/**
 * The per-request cache directive: the `x-daca-cache` request header.
 *
 * | value | effect |
 * |---|---|
 * | (absent) | the agent's and the spec's defaults |
 * | `off` / `no-store` / `bypass` | neither read nor write the cache |
 * | `refresh` | skip the lookup, call the model, store the fresh answer |
 * | `on` | cache even when the temperature is above `max_temperature` |
 */
import { InvalidRequestError } from '../../errors.js';

/** What a request asks of the cache. */
export type CacheDirective = 'default' | 'off' | 'refresh' | 'on';

/**
 * Parses an `x-daca-cache` header value.
 *
 * @throws {InvalidRequestError} on an unknown value.
 * @example
 * ```ts
 * parseCacheDirective(c.req.header('x-daca-cache')); // 'default' when absent
 * ```
 */
export function parseCacheDirective(value: string | undefined | null): CacheDirective {
  if (value === undefined || value === null || value.trim() === '') return 'default';
  switch (value.trim().toLowerCase()) {
    case 'off':
    case 'no-store':
    case 'bypass':
      return 'off';
    case 'refresh':
      return 'refresh';
    case 'on':
    case 'force':
      return 'on';
    case 'default':
      return 'default';
    default:
      throw new InvalidRequestError(`x-daca-cache must be off, refresh or on (got '${value}')`, { param: 'x-daca-cache' });
  }
}
