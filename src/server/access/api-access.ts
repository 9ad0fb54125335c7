/**
 * The one middleware in front of every `/api/*` route: authenticates the key (or dashboard
 * session), checks the permission table for the caller's role and scope, and attaches the tenant
 * directory that routes use to scope their rows (see scope.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, InvalidApiKeyError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { fromLoopback, presentedKey, type Authenticator } from '../auth.js';
import { decide } from './permissions.js';
import { attachDirectory } from './scope.js';
import type { TenantDirectory } from './tenant-directory.js';

/** What the middleware needs. */
export interface ApiAccessOptions {
  auth: Authenticator;
  /** A fresh directory per request. */
  directory: () => TenantDirectory;
  /** Paths (exact) that also accept the key as `?key=` (the SSE stream: browsers' EventSource cannot set headers). */
  queryKeyPaths?: readonly string[];
}

/**
 * Authenticates and authorizes a request under `/api`.
 * @example app.use('/api/*', apiAccess({ auth, directory: () => new TenantDirectory(spec, store) }))
 */
export function apiAccess(opts: ApiAccessOptions): MiddlewareHandler<{ Variables: DacaVariables }> {
  const queryPaths = new Set(opts.queryKeyPaths ?? []);
  return async (c, next) => {
    const secret = presentedKey(c) ?? (queryPaths.has(c.req.path.replace(/\/+$/, '')) ? c.req.query('key') : undefined);
    if (!secret) throw new InvalidApiKeyError('No API key provided. Send it as "Authorization: Bearer <key>" (or x-api-key). Create one with `daca keys create`.');
    const principal = await opts.auth.authenticate(secret);
    if (!principal) throw new InvalidApiKeyError('The API key is unknown or revoked. Check the key, or create one with `daca keys create`.');
    if (principal.dev && !fromLoopback(c)) throw new InvalidApiKeyError('The development key is accepted from localhost only; create a real key with `daca keys create`.');
    const d = decide(principal, c.req.method, c.req.path);
    if (!d.ok) {
      throw new ForbiddenError(d.message, {
        details: { reason: d.reason, role: principal.role, tenant: principal.allTenants ? '*' : principal.tenant, ...(d.group ? { route_group: d.group.path } : {}) },
      });
    }
    c.set('principal', principal);
    attachDirectory(c, opts.directory());
    await next();
  };
}
