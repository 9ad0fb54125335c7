/**
 * The Redis cache store: entries shared by every daca node pointing at the same Redis
 * (`DACA_REDIS_URL`). Keys live under a prefix (`DACA_REDIS_PREFIX`, default `daca`, then `:cache:`).
 * The size bound is Redis's own (`maxmemory` with an LRU `maxmemory-policy`); entries larger than
 * `maxValueBytes` are not written. Redis failures are misses and dropped writes, never errors.
 */
import { Redis } from 'ioredis';
import type { CacheStore, CacheStoreStats } from '../cache-store.js';

/** Options of {@link RedisCacheStore}. */
export interface RedisCacheStoreOptions {
  /** A client to use (not closed by `close()`), or `url` to connect. */
  redis?: Redis;
  url?: string;
  /** Key prefix; default `daca:cache:`. */
  prefix?: string;
  /** Largest value written, bytes; default 1 MiB. */
  maxValueBytes?: number;
  /** Reports Redis failures (default: ignore). */
  onError?: (e: unknown) => void;
}

/**
 * A cache store in Redis.
 *
 * @example
 * ```ts
 * const store = new RedisCacheStore({ url: process.env.DACA_REDIS_URL });
 * ```
 */
export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly maxValueBytes: number;
  private readonly onError: (e: unknown) => void;
  private writes = 0;

  constructor(opts: RedisCacheStoreOptions) {
    if (opts.redis) {
      this.redis = opts.redis;
      this.owned = false;
    } else {
      this.redis = new Redis(opts.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, enableAutoPipelining: true, connectTimeout: 2000 });
      this.redis.on('error', (e: unknown) => this.onError(e));
      this.owned = true;
    }
    this.prefix = opts.prefix ?? 'daca:cache:';
    this.maxValueBytes = opts.maxValueBytes ?? 1 << 20;
    this.onError = opts.onError ?? (() => {});
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch (e) {
      this.onError(e);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (Buffer.byteLength(value) > this.maxValueBytes) return;
    try {
      await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
      this.writes++;
    } catch (e) {
      this.onError(e);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.redis.del(this.prefix + key);
    } catch (e) {
      this.onError(e);
    }
  }

  /** Entries written by this node (Redis holds the shared total). */
  stats(): CacheStoreStats {
    return { entries: this.writes, bytes: 0, evictions: 0 };
  }

  async close(): Promise<void> {
    if (this.owned) this.redis.disconnect();
  }
}
