/**
 * Authentication middleware: virtual keys on `/v1/*`, admin keys on `/api/*`.
 * Accepts `Authorization: Bearer <key>` or `x-api-key: <key>` (Anthropic clients).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError, InvalidApiKeyError } from '../errors.js';
import type { KeyRing } from '../identity/key-ring.js';
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

/** Requires a valid key; sets `principal`. With `adminOnly`, requires the admin role. */
export function requireKey(keys: KeyRing, opts: { adminOnly?: boolean } = {}): MiddlewareHandler<{ Variables: DacaVariables }> {
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
