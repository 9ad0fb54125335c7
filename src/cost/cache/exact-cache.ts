/**
 * The exact response cache: a request whose normalised form (see `request-key.ts`) was answered
 * before, for the same tenant, gets the stored answer without an upstream call.
 *
 * Only deterministic-enough requests are cached (temperature ≤ `maxTemperature`, unset counts as
 * 0; one choice), and only complete, successful answers (finish reason `stop`, `tool_calls` or
 * `length`). Entries are canonical ChatResults, so streamed and non-streamed requests share them.
 */
import type { ChatRequest, ChatResult, Usage } from '../../providers/types.js';
import type { CacheDirective } from './cache-directive.js';
import type { CacheStore } from './cache-store.js';
import { exactCacheKey } from './request-key.js';

/** Where a request runs, as far as the cache is concerned. */
export interface CacheScope {
  tenant: string;
  /** The spec model the request resolved to (aliases followed), before any routing. */
  model: string;
}

/** A stored answer. */
export interface CachedAnswer {
  result: ChatResult;
  /** The model that produced it (may differ from the requested one under routing). */
  answeredBy: string;
  /** What producing it cost upstream, micro-dollars: what a hit saves. */
  costMicros: number;
  usage: Usage;
  createdAt: number;
}

/** A cache hit. */
export interface CacheHit extends CachedAnswer {
  kind: 'exact' | 'semantic';
  key: string;
  /** What the hit saved: the upstream cost of the stored answer, micro-dollars. */
  savedMicros: number;
  /** Cosine similarity (semantic hits). */
  similarity?: number;
}

/** Options of {@link ExactCache}. */
export interface ExactCacheOptions {
  store: CacheStore;
  ttlMs: number;
  /** Highest temperature cached by default (unset temperature counts as 0). */
  maxTemperature: number;
  now?: () => number;
}

const CACHEABLE_FINISH = new Set(['stop', 'tool_calls', 'length']);

/** True when `result` is a complete, successful answer worth storing. */
export function isCacheableResult(result: ChatResult): boolean {
  const c = result.choices;
  return c.length === 1 && CACHEABLE_FINISH.has(c[0]!.finish_reason);
}

/**
 * The exact cache.
 *
 * @example
 * ```ts
 * const cache = new ExactCache({ store: new MemoryCacheStore({ maxEntries: 1e4, maxBytes: 64 << 20 }), ttlMs: 3_600_000, maxTemperature: 0 });
 * const hit = await cache.lookup({ tenant: 'acme', model: 'gpt-4o' }, req, 'default');
 * if (!hit) await cache.store({ tenant: 'acme', model: 'gpt-4o' }, req, result, { answeredBy: 'gpt-4o', costMicros: 850 }, 'default');
 * ```
 */
export class ExactCache {
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(private readonly opts: ExactCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The backing store. */
  get backend(): CacheStore {
    return this.opts.store;
  }

  /** Whether a request may use the cache at all under `directive`. */
  eligible(req: ChatRequest, directive: CacheDirective): boolean {
    if (directive === 'off') return false;
    if (req.n !== undefined && req.n > 1) return false;
    return directive === 'on' || (req.temperature ?? 0) <= this.opts.maxTemperature;
  }

  /** The stored answer for this request, or null (always null for `off` and `refresh`). */
  async lookup(scope: CacheScope, req: ChatRequest, directive: CacheDirective = 'default'): Promise<CacheHit | null> {
    if (directive === 'refresh' || !this.eligible(req, directive)) return null;
    const key = exactCacheKey(scope.tenant, scope.model, req);
    const raw = await this.opts.store.get(key);
    if (raw === undefined) {
      this.misses++;
      return null;
    }
    let a: CachedAnswer;
    try {
      a = JSON.parse(raw) as CachedAnswer;
    } catch {
      this.misses++;
      return null;
    }
    this.hits++;
    return { ...a, kind: 'exact', key, savedMicros: a.costMicros };
  }

  /** Stores a fresh answer when the request and the answer are cacheable; returns whether it did. */
  async store(scope: CacheScope, req: ChatRequest, result: ChatResult, meta: { answeredBy: string; costMicros: number }, directive: CacheDirective = 'default'): Promise<boolean> {
    if (!this.eligible(req, directive) || !isCacheableResult(result)) return false;
    const entry: CachedAnswer = { result, answeredBy: meta.answeredBy, costMicros: meta.costMicros, usage: result.usage, createdAt: this.now() };
    await this.opts.store.set(exactCacheKey(scope.tenant, scope.model, req), JSON.stringify(entry), this.opts.ttlMs);
    return true;
  }
}
