/**
 * Authentication middleware: virtual keys on `/v1/*`; `/api/*` adds authorization in access/api-access.ts.
 * Accepts `Authorization: Bearer <key>` or `x-api-key: <key>` (Anthropic clients).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError, InvalidApiKeyError } from '../errors.js';
import type { KeyRing } from '../identity/key-ring.js';
import type { Principal } from '../identity/principal.js';
import { UI_SESSION_PREFIX, verifyUiSession } from './ui.js';
import type { DacaVariables } from '../gateway/start-call.js';
import type { NodeBindings } from '../gateway/node-response.js';

/** The secret a request presents, if any. */
export function presentedKey(c: Context): string | undefined {
  const auth = c.req.header('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (m) return m[1]!.trim();
  }
  return c.req.header('x-api-key')?.trim() || undefined;
}

/** True when the TCP peer is on the loopback interface. */
export function fromLoopback(c: Context): boolean {
  const addr = (c.env as Partial<NodeBindings> | undefined)?.incoming?.socket.remoteAddress ?? '';
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || addr.startsWith('127.');
}

/** Anything that turns a presented secret into a principal (a KeyRing, or one that also takes UI sessions). */
export type Authenticator = Pick<KeyRing, 'authenticate'>;

/**
 * An authenticator that accepts the dashboard's signed session tokens (`dacaui_…`, minted by
 * `/ui/` for a page loaded with a person's key) as well as every key the KeyRing knows. A token
 * stands for its key: the key is looked up by id on each request, so a revoked key or a changed
 * role or tenant ends the session (401) within the KeyRing's refresh time.
 */
export function withUiSessions(keys: Pick<KeyRing, 'authenticate' | 'byId'>, uiSecret: string, now: () => number = Date.now): Authenticator {
  return {
    async authenticate(secret: string): Promise<Principal | null> {
      if (!secret.startsWith(UI_SESSION_PREFIX)) return keys.authenticate(secret);
      const claimed = verifyUiSession(uiSecret, secret, now());
      if (!claimed) return null;
      const live = await keys.byId(claimed.keyId);
      if (!live || live.dev || live.role !== claimed.role || !!live.allTenants !== !!claimed.allTenants || (!live.allTenants && live.tenant !== claimed.tenant)) return null;
      return live;
    },
  };
}

/** Requires a valid key; sets `principal`. With `adminOnly`, requires the admin role. (`/api/*` uses {@link apiAccess} instead.) */
export function requireKey(keys: Authenticator, opts: { adminOnly?: boolean } = {}): MiddlewareHandler<{ Variables: DacaVariables }> {
  return async (c, next) => {
    const secret = presentedKey(c);
    if (!secret) throw new InvalidApiKeyError('No API key provided. Send it as "Authorization: Bearer <key>" (or x-api-key). Create one with `daca keys create`.');
    const principal = await keys.authenticate(secret);
    if (!principal) throw new InvalidApiKeyError('The API key is unknown or revoked. Check the key, or create one with `daca keys create`.');
    if (principal.dev && !fromLoopback(c)) throw new InvalidApiKeyError('The development key is accepted from localhost only; create a real key with `daca keys create`.');
    if (opts.adminOnly && principal.role !== 'admin') throw new ForbiddenError('This route needs an admin key (DACA_ADMIN_KEY).');
    c.set('principal', principal);
    await next();
  };
}
