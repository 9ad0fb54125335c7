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
  return {
    keyId: row.id,
    role: row.role,
    tenant: row.tenant,
    team: row.team,
    agent: row.agent,
    models: row.models ? new Set(row.models) : null,
    dev: false,
  };
}

/** Authenticates key secrets; see the module comment. */
export class KeyRing {
  private readonly cache = new Map<string, Entry>();
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

  /** The principal for a secret, or null when the key is unknown or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    const hash = hashKeySecret(secret);
    const builtIn = this.builtIn.get(hash);
    if (builtIn) return builtIn;
    const now = this.now();
    const hit = this.cache.get(hash);
    if (hit && hit.expires > now) return hit.principal;
    const row = await this.store.keys.findByHash(hash);
    const principal = row && row.revokedAt === null ? principalOf(row) : null;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(hash, { principal, expires: now + (principal ? this.refreshMs : this.negativeMs) });
    return principal;
  }

  /** Forgets every cached entry for a key id (after revoke on this node). */
  invalidateKey(keyId: string): void {
    for (const [hash, e] of this.cache) if (e.principal?.keyId === keyId) this.cache.delete(hash);
  }

  /** Forgets a hash (after a key is created, so a cached negative answer does not linger). */
  invalidateHash(hash: string): void {
    this.cache.delete(hash);
  }
}
