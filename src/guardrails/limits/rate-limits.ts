/**
 * The rate-limit engine: requests/min, tokens/min and concurrent requests per key, agent, team and
 * tenant, on rate-limiter-flexible. In memory by default; with Redis every node shares the same
 * counters (and falls back to per-node memory counters while Redis is unreachable).
 *
 * Tokens are consumed as estimated before the call and corrected after it (`settle`). A denied
 * call consumes nothing. Redis errors fail open (reported to `onError`): a rate limit protects
 * capacity, and the budget engine still guards money.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitError } from '../../errors.js';
import type { Attribution, Principal } from '../../identity/principal.js';
import { MemoryConcurrencySlots, RedisConcurrencySlots, type ConcurrencySlots } from './concurrency-slots.js';
import type { RateLimitRuleSpec } from './limit-spec.js';
import { LimitPlans, type AppliedLimit, type LimitPlan } from './limit-plan.js';

/** A call the limits let through; pass it to `settle` or `release` when the call ends. */
export class LimitTicket {
  readonly allowed = true as const;
  /** @internal True once settled or released. */
  done = false;
  constructor(
    /** @internal */ readonly plan: LimitPlan,
    /** Tokens consumed up front. */
    readonly estimateTokens: number,
    /** @internal Concurrency slot id (Redis). */
    readonly member: string,
  ) {}
}

/** A call a limit refused. */
export interface LimitDenial {
  readonly allowed: false;
  /** Seconds until the limit lets a call of this size through. */
  readonly retryAfterSeconds: number;
  /** The limit, e.g. `agent triage: 60 requests/min`. */
  readonly limit: string;
}

/** The outcome of {@link RateLimits.check}. */
export type LimitDecision = LimitTicket | LimitDenial;

/** Options of {@link RateLimits}. */
export interface RateLimitsOptions {
  /** The spec's `rate_limits:` section. */
  rules: readonly RateLimitRuleSpec[];
  /** Shared counters in Redis; null or absent for in-memory counters. */
  redis?: Redis | null;
  /** Prefix of every counter key (give tests a unique one). Default `daca:rl`. */
  keyPrefix?: string;
  /** Failures of Redis calls (the limits then fail open). */
  onError?: (e: unknown) => void;
  /** A concurrency slot whose node died is freed after this long. Default 10 minutes. */
  concurrencyTtlMs?: number;
  /** `close()` disconnects `redis` (set by {@link RateLimits.create}). */
  ownsRedis?: boolean;
}

const NO_LIMITS = new LimitTicket(LimitPlans.EMPTY, 0, '');
const CONCURRENCY_RETRY_MS = 1000;

/**
 * Turns a denial into the error the gateway throws (429 `rate_limit_exceeded` with `Retry-After`).
 *
 * @example
 * ```ts
 * const d = await limits.check(principal, attribution, promptTokens + maxTokens);
 * if (!d.allowed) throw rateLimitError(d);
 * ```
 */
export function rateLimitError(d: LimitDenial): RateLimitError {
  return new RateLimitError(`Rate limit reached for ${d.limit}. Retry after ${d.retryAfterSeconds} s.`, d.retryAfterSeconds, { limit: d.limit });
}

/**
 * Rate limits of the spec, enforced.
 *
 * @example
 * ```ts
 * const limits = RateLimits.create({ rules: spec.rate_limits, redisUrl: process.env.DACA_REDIS_URL });
 * const t = await limits.check(principal, attribution, 1200);
 * if (!t.allowed) throw rateLimitError(t);
 * try { …call…; limits.settle(t, usage.total_tokens); } catch (e) { limits.release(t); throw e; }
 * ```
 */
export class RateLimits {
  readonly plans: LimitPlans;
  private readonly slots: ConcurrencySlots;
  private readonly memorySlots: MemoryConcurrencySlots | null;
  private readonly onError: (e: unknown) => void;
  private readonly memberPrefix = randomUUID().slice(0, 8);
  private seq = 0;
  private readonly ownedRedis: Redis | null;

  constructor(opts: RateLimitsOptions) {
    const prefix = opts.keyPrefix ?? 'daca:rl';
    const redis = opts.redis ?? null;
    this.onError = opts.onError ?? (() => undefined);
    this.ownedRedis = opts.ownsRedis && redis ? redis : null;
    const factory = redis
      ? (points: number, keyPrefix: string): RateLimiterAbstract =>
          new RateLimiterRedis({
            storeClient: redis, points, duration: 60, keyPrefix,
            insuranceLimiter: new RateLimiterMemory({ points, duration: 60, keyPrefix }),
          })
      : (points: number, keyPrefix: string): RateLimiterAbstract => new RateLimiterMemory({ points, duration: 60, keyPrefix });
    this.plans = new LimitPlans(opts.rules, factory, prefix);
    this.memorySlots = redis ? null : new MemoryConcurrencySlots();
    this.slots = redis ? new RedisConcurrencySlots(redis, `${prefix}:conc`, opts.concurrencyTtlMs) : this.memorySlots!;
  }

  /**
   * Builds the engine, connecting to Redis when `redisUrl` (`DACA_REDIS_URL`) is set; `close()`
   * then disconnects it.
   */
  static create(opts: Omit<RateLimitsOptions, 'redis'> & { redisUrl?: string | undefined }): RateLimits {
    const url = opts.redisUrl?.trim();
    if (!url || opts.rules.length === 0) return new RateLimits(opts);
    const redis = new Redis(url, { maxRetriesPerRequest: 1, enableAutoPipelining: true, connectTimeout: 2000 });
    redis.on('error', (e) => opts.onError?.(e));
    // Queue commands until the first connection (so start-up does not fall back to per-node
    // counters), then fail fast during an outage: the memory insurance limiters take over at once.
    redis.once('ready', () => (redis.options.enableOfflineQueue = false));
    return new RateLimits({ ...opts, redis, ownsRedis: true });
  }

  /**
   * Counts the call against every limit that applies to it: one request, `estimateTokens` tokens
   * (prompt plus the most it may generate), one concurrent slot. Call before the provider call.
   */
  async check(p: Principal, a: Attribution, estimateTokens: number): Promise<LimitDecision> {
    const plan = this.plans.plan(p.keyId, a.tenant, a.team, a.agent);
    if (plan.entries.length === 0) return NO_LIMITS;
    const est = estimateTokens > 0 ? Math.ceil(estimateTokens) : 0;
    for (const e of plan.entries) {
      if (e.tpm !== null && est > e.rule.tpm!) return { allowed: false, retryAfterSeconds: 60, limit: `${e.label}: ${e.rule.tpm} tokens/min (this call is estimated at ${est} tokens)` };
    }
    const member = plan.hasConcurrency && this.memorySlots === null ? `${this.memberPrefix}:${this.seq++}` : '';
    const waits: (number | Promise<number>)[] = [];
    for (const e of plan.entries) {
      if (e.rpm !== null) waits.push(this.consume(e.rpm, e.subject, 1));
      if (e.tpm !== null && est > 0) waits.push(this.consume(e.tpm, e.subject, est));
      if (e.rule.concurrent !== undefined) waits.push(this.acquire(e, member));
    }
    const res = await Promise.all(waits);
    let denied = -1;
    for (let i = 0; i < res.length; i++) if (res[i]! > 0 && (denied < 0 || res[i]! > res[denied]!)) denied = i;
    if (denied < 0) return new LimitTicket(plan, est, member);
    return this.refuse(plan, est, member, res, denied);
  }

  /** Corrects the token count to `actualTokens` and frees the call's concurrency slots. Never throws. */
  settle(t: LimitTicket, actualTokens: number): void {
    if (t.done || t.plan.entries.length === 0) return;
    t.done = true;
    const delta = Math.round(actualTokens) - t.estimateTokens;
    for (const e of t.plan.entries) {
      if (e.tpm !== null && delta !== 0) this.adjust(e.tpm, e.subject, delta);
      if (e.rule.concurrent !== undefined) this.free(e, t.member);
    }
  }

  /** Gives back the call's estimated tokens and its concurrency slots (the call failed). Never throws. */
  release(t: LimitTicket): void {
    if (t.done || t.plan.entries.length === 0) return;
    t.done = true;
    for (const e of t.plan.entries) {
      if (e.tpm !== null && t.estimateTokens > 0) this.adjust(e.tpm, e.subject, -t.estimateTokens);
      if (e.rule.concurrent !== undefined) this.free(e, t.member);
    }
  }

  /**
   * Requests and tokens a scope's subject used this minute, and its slots in use (memory only),
   * for the admin API. Null where no rule of the scope counts that metric.
   */
  async usage(scope: string, subject: string): Promise<{ requests: number | null; tokens: number | null; concurrent: number | null }> {
    const { rpm, tpm, concurrent } = this.plans.limitersOf(scope);
    const used = async (l: RateLimiterAbstract | null) => (l ? ((await l.get(subject))?.consumedPoints ?? 0) : null);
    return {
      requests: await used(rpm),
      tokens: await used(tpm),
      concurrent: concurrent && this.memorySlots ? this.memorySlots.inUse(`${scope}:${subject}`) : null,
    };
  }

  /** Disconnects Redis when this engine opened it. */
  async close(): Promise<void> {
    const r = this.ownedRedis;
    if (r === null) return;
    if (r.status === 'ready') await r.quit().catch(() => r.disconnect());
    else r.disconnect();
  }

  /** 0 when allowed, else milliseconds until the limit resets. */
  private consume(l: RateLimiterAbstract, subject: string, points: number): Promise<number> {
    return l.consume(subject, points).then(
      () => 0,
      (e: unknown) => {
        if (e instanceof RateLimiterRes) return Math.max(1, e.msBeforeNext);
        this.onError(e);
        return 0;
      },
    );
  }

  private acquire(e: AppliedLimit, member: string): number | Promise<number> {
    if (this.memorySlots) return this.memorySlots.tryAcquire(e.key, e.rule.concurrent!) ? 0 : CONCURRENCY_RETRY_MS;
    return this.slots.acquire(e.key, member, e.rule.concurrent!).then(
      (ok) => (ok ? 0 : CONCURRENCY_RETRY_MS),
      (err: unknown) => {
        this.onError(err);
        return 0;
      },
    );
  }

  private free(e: AppliedLimit, member: string): void {
    if (this.memorySlots) this.memorySlots.releaseOne(e.key);
    else this.slots.release(e.key, member).catch(this.onError);
  }

  private adjust(l: RateLimiterAbstract, subject: string, delta: number): void {
    (delta > 0 ? l.penalty(subject, delta) : l.reward(subject, -delta)).catch(this.onError);
  }

  /** Undoes every count of a refused call and names the limit that refused it. */
  private refuse(plan: LimitPlan, est: number, member: string, res: readonly number[], denied: number): LimitDenial {
    let i = 0;
    let limit = '';
    for (const e of plan.entries) {
      if (e.rpm !== null) {
        if (i === denied) limit = `${e.label}: ${e.rule.rpm} requests/min`;
        this.adjust(e.rpm, e.subject, -1);
        i++;
      }
      if (e.tpm !== null && est > 0) {
        if (i === denied) limit = `${e.label}: ${e.rule.tpm} tokens/min`;
        this.adjust(e.tpm, e.subject, -est);
        i++;
      }
      if (e.rule.concurrent !== undefined) {
        if (i === denied) limit = `${e.label}: ${e.rule.concurrent} concurrent requests`;
        else if (res[i] === 0) this.free(e, member);
        i++;
      }
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res[denied]! / 1000)), limit };
  }
}
