/**
 * Concurrent-request slots: at most `limit` calls of one subject in flight at once. In memory per
 * node, or in Redis (a sorted set of in-flight calls scored by their expiry) so several nodes
 * share one limit; a slot whose node died expires after `ttlMs`.
 */
import type { Redis } from 'ioredis';

/** Slots of concurrent calls per subject. */
export interface ConcurrencySlots {
  /** Takes a slot for `member` under `key` if fewer than `limit` are taken. */
  acquire(key: string, member: string, limit: number): Promise<boolean>;
  /** Gives the slot of `member` back (idempotent). */
  release(key: string, member: string): Promise<void>;
}

/**
 * Slots counted in this process.
 *
 * @example
 * ```ts
 * const slots = new MemoryConcurrencySlots();
 * if (await slots.acquire('agent:triage', 'call-1', 4)) { …; await slots.release('agent:triage', 'call-1'); }
 * ```
 */
export class MemoryConcurrencySlots implements ConcurrencySlots {
  private readonly taken = new Map<string, number>();

  /** Synchronous form of {@link acquire}. */
  tryAcquire(key: string, limit: number): boolean {
    const n = this.taken.get(key) ?? 0;
    if (n >= limit) return false;
    this.taken.set(key, n + 1);
    return true;
  }

  /** Synchronous form of {@link release}. */
  releaseOne(key: string): void {
    const n = this.taken.get(key) ?? 0;
    if (n <= 1) this.taken.delete(key);
    else this.taken.set(key, n - 1);
  }

  acquire(key: string, _member: string, limit: number): Promise<boolean> {
    return Promise.resolve(this.tryAcquire(key, limit));
  }

  release(key: string, _member: string): Promise<void> {
    this.releaseOne(key);
    return Promise.resolve();
  }

  /** Slots taken for `key` (for tests and listings). */
  inUse(key: string): number {
    return this.taken.get(key) ?? 0;
  }
}

const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** Slots shared through Redis by every node using the same `prefix`. */
export class RedisConcurrencySlots implements ConcurrencySlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** A slot not released within this time (its node died) is freed. Default 10 minutes. */
    private readonly ttlMs = 600_000,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(key: string, member: string, limit: number): Promise<boolean> {
    const r = await this.redis.eval(ACQUIRE, 1, `${this.prefix}:${key}`, this.now(), this.ttlMs, limit, member);
    return r === 1;
  }

  async release(key: string, member: string): Promise<void> {
    await this.redis.zrem(`${this.prefix}:${key}`, member);
  }
}
