/**
 * The in-memory cache store: LRU over a Map (insertion order = recency), bounded by entries and by
 * bytes (UTF-8 size of keys and values), with lazy TTL expiry on read.
 */
import type { CacheStore, CacheStoreStats } from '../cache-store.js';

interface Slot {
  value: string;
  bytes: number;
  expiresAt: number;
}

/** Options of {@link MemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  maxEntries: number;
  maxBytes: number;
  /** Clock, ms; default `Date.now`. */
  now?: () => number;
}

/**
 * An LRU cache store in this process.
 *
 * @example
 * ```ts
 * const store = new MemoryCacheStore({ maxEntries: 1000, maxBytes: 8 << 20 });
 * await store.set('k', 'v', 60_000);
 * ```
 */
export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory';
  private readonly map = new Map<string, Slot>();
  private bytes = 0;
  private evictions = 0;
  private readonly now: () => number;

  constructor(private readonly opts: MemoryCacheStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  async get(key: string): Promise<string | undefined> {
    const s = this.map.get(key);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.remove(key, s);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, s);
    return s.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const bytes = Buffer.byteLength(value) + Buffer.byteLength(key);
    const old = this.map.get(key);
    if (old) this.remove(key, old);
    if (bytes > this.opts.maxBytes) return;
    this.map.set(key, { value, bytes, expiresAt: this.now() + ttlMs });
    this.bytes += bytes;
    while (this.map.size > this.opts.maxEntries || this.bytes > this.opts.maxBytes) {
      const [k, s] = this.map.entries().next().value as [string, Slot];
      this.remove(k, s);
      this.evictions++;
    }
  }

  async delete(key: string): Promise<void> {
    const s = this.map.get(key);
    if (s) this.remove(key, s);
  }

  stats(): CacheStoreStats {
    return { entries: this.map.size, bytes: this.bytes, evictions: this.evictions };
  }

  async close(): Promise<void> {
    this.map.clear();
    this.bytes = 0;
  }

  private remove(key: string, s: Slot): void {
    this.map.delete(key);
    this.bytes -= s.bytes;
  }
}
