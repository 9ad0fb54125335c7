/**
 * Where cache entries live: one small interface, an in-memory LRU (`memory/`) and Redis
 * (`redis/`, shared by every node). Values are opaque strings (serialised entries).
 */

/** Size of a cache store, when it knows it. */
export interface CacheStoreStats {
  entries: number;
  bytes: number;
  evictions: number;
}

/** A key/value store with per-entry time to live. */
export interface CacheStore {
  /** `memory` or `redis`. */
  readonly kind: string;
  /** The value, or undefined when absent or expired. Never throws: a failing backend is a miss. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs`. Never throws: a failing backend drops the write. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  stats(): CacheStoreStats;
  close(): Promise<void>;
}
