/**
 * The KeyRing: authenticates bearer secrets on the hot path without a database round trip.
 *
 * Keys are cached by hash after the first lookup. Negative answers are cached briefly so a flood of
 * bad keys cannot hammer the store. Revocations on this node take effect at once; revocations made
 * by another node sharing the store take effect within `refreshMs` (the cache entry expires).
 */
import type { KeyRow, Store } from '../store/types.js';
import type { Principal } from './principal.js';
import { hashKeySecret } from './key-secret.js';
import { ALL_TENANTS } from './roles.js';

interface Entry {
  principal: Principal | null;
  expires: number;
}

/** Options of a KeyRing. */
export interface KeyRingOptions {
  store: Store;
  now?: () => number;
  /** How long a positive entry is trusted before re-reading the store (ms). */
  refreshMs?: number;
  /** How long an unknown key is remembered as unknown (ms). */
  negativeMs?: number;
  /** Keys that live outside the store (admin key, development key): secret hash → principal. */
  builtIn?: ReadonlyMap<string, Principal>;
}

/** Converts a stored key to the principal it authenticates. */
export function principalOf(row: KeyRow): Principal {
  const global = row.tenant === ALL_TENANTS;
  return {
    keyId: row.id,
    role: row.role,
    // a global key's own calls on /v1 are attributed to the default tenant
    tenant: global ? 'default' : row.tenant,
    team: row.team,
    agent: row.agent,
    models: row.models ? new Set(row.models) : null,
    dev: false,
    ...(global ? { allTenants: true } : {}),
  };
}

/** Authenticates key secrets; see the module comment. */
export class KeyRing {
  private readonly cache = new Map<string, Entry>();
  private readonly bySecret = new Map<string, Entry>();
  private readonly byKeyId = new Map<string, Entry>();
  private readonly store: Store;
  private readonly now: () => number;
  private readonly refreshMs: number;
  private readonly negativeMs: number;
  private readonly builtIn: ReadonlyMap<string, Principal>;

  constructor(opts: KeyRingOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.refreshMs = opts.refreshMs ?? 5_000;
    this.negativeMs = opts.negativeMs ?? 1_000;
    this.builtIn = opts.builtIn ?? new Map();
  }

  /**
   * The principal for a secret, or null when the key is unknown or revoked.
   * Hits are served from a cache keyed by the secret itself (no hashing on the hot path; the secret
   * is already in this process's memory as part of the request).
   */
  async authenticate(secret: string): Promise<Principal | null> {
    const now = this.now();
    const fast = this.bySecret.get(secret);
    if (fast && fast.expires > now) return fast.principal;
    const hash = hashKeySecret(secret);
    const builtIn = this.builtIn.get(hash);
    if (builtIn) {
      this.remember(secret, { principal: builtIn, expires: Number.POSITIVE_INFINITY });
      return builtIn;
    }
    const hit = this.cache.get(hash);
    if (hit && hit.expires > now) {
      this.remember(secret, hit);
      return hit.principal;
    }
    const row = await this.store.keys.findByHash(hash);
    const principal = row && row.revokedAt === null ? principalOf(row) : null;
    if (this.cache.size > 100_000) this.cache.clear();
    const entry = { principal, expires: now + (principal ? this.refreshMs : this.negativeMs) };
    this.cache.set(hash, entry);
    if (principal) this.remember(secret, entry);
    return principal;
  }

  private remember(secret: string, entry: Entry): void {
    if (this.bySecret.size > 10_000) this.bySecret.clear();
    this.bySecret.set(secret, entry);
  }

  /**
   * The principal of a live key by id (built-in keys included), or null when unknown or revoked.
   * Dashboard sessions re-check their key with it, so revoking a key or changing its role ends
   * or changes its sessions within `refreshMs`.
   */
  async byId(keyId: string): Promise<Principal | null> {
    for (const p of this.builtIn.values()) if (p.keyId === keyId) return p;
    const now = this.now();
    const hit = this.byKeyId.get(keyId);
    if (hit && hit.expires > now) return hit.principal;
    const row = await this.store.keys.get(keyId);
    const principal = row && row.revokedAt === null ? principalOf(row) : null;
    if (this.byKeyId.size > 10_000) this.byKeyId.clear();
    this.byKeyId.set(keyId, { principal, expires: now + (principal ? this.refreshMs : this.negativeMs) });
    return principal;
  }

  /** Forgets every cached entry for a key id (after revoke on this node). */
  invalidateKey(keyId: string): void {
    for (const [hash, e] of this.cache) if (e.principal?.keyId === keyId) this.cache.delete(hash);
    for (const [secret, e] of this.bySecret) if (e.principal?.keyId === keyId) this.bySecret.delete(secret);
    this.byKeyId.delete(keyId);
  }

  /** Forgets a hash (after a key is created, so a cached negative answer does not linger). */
  invalidateHash(hash: string): void {
    this.cache.delete(hash);
  }
}
