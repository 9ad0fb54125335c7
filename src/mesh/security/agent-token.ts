/**
 * Signed mesh tokens: how one hop proves who is calling to the next. A token names the calling
 * agent type, its tenant, the callee, an expiry and the trace; it is an HMAC-SHA256 over those,
 * with a secret every node of a deployment shares (`DACA_MESH_SECRET`, else derived from the
 * admin key). Tokens are short-lived (default 60 s) and bound to one callee.
 *
 * Format: `dmt1.<base64url payload>.<base64url signature>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a mesh token asserts. */
export interface MeshTokenClaims {
  /** Calling agent type (`user` when a person's key started the chain). */
  sub: string;
  /** Tenant of the call. */
  ten: string;
  /** Callee agent type. */
  aud: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** The prefix of mesh tokens (so authentication can tell them from keys). */
export const MESH_TOKEN_PREFIX = 'dmt1.';

/**
 * Signs and verifies mesh tokens.
 * @example
 * ```ts
 * const tokens = new MeshTokens(secret);
 * const t = tokens.sign({ sub: 'buyer', ten: 'acme', aud: 'seller' });
 * tokens.verify(t, 'seller'); // claims, or null
 * ```
 */
export class MeshTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
    private readonly ttlSeconds = 60,
  ) {
    this.key = createHmac('sha256', 'daca-mesh-token').update(secret).digest();
  }

  /** A token for one call. */
  sign(claims: Omit<MeshTokenClaims, 'exp'> & { exp?: number }): string {
    const full: MeshTokenClaims = { sub: claims.sub, ten: claims.ten, aud: claims.aud, exp: claims.exp ?? Math.floor(this.now() / 1000) + this.ttlSeconds };
    const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
    return `${MESH_TOKEN_PREFIX}${payload}.${this.mac(payload)}`;
  }

  /** The claims of a valid, unexpired token for `audience`; null otherwise. */
  verify(token: string, audience: string): MeshTokenClaims | null {
    if (!token.startsWith(MESH_TOKEN_PREFIX)) return null;
    const rest = token.slice(MESH_TOKEN_PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot < 0) return null;
    const payload = rest.slice(0, dot);
    const sig = Buffer.from(rest.slice(dot + 1), 'base64url');
    const want = Buffer.from(this.mac(payload), 'base64url');
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
    let claims: MeshTokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as MeshTokenClaims;
    } catch {
      return null;
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < this.now()) return null;
    if (claims.aud !== audience && claims.aud !== '*') return null;
    return claims;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
