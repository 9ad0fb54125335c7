/**
 * `GET /api/whoami`: the calling key, its role and tenant, and what it may use — the dashboard
 * hides the pages a role cannot use from this answer.
 */
import { Hono } from 'hono';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { Principal } from '../../identity/principal.js';
import { accessOf, PERMISSIONS, type Access } from './permissions.js';

/** What a principal may do in each route group, its scope applied (node-wide groups need a global key). */
export function effectivePermissions(p: Pick<Principal, 'role' | 'allTenants'>): Record<string, Access> {
  const out: Record<string, Access> = {};
  for (const g of PERMISSIONS) {
    let a = accessOf(p.role, g);
    if (!p.allTenants && g.scope === 'node') a = 'none';
    if (!p.allTenants && g.scope === 'shared' && a === 'write') a = 'read';
    out[g.path] = a;
  }
  return out;
}

/** Builds the whoami route. */
export function whoamiApi() {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', (c) => {
    const p = c.get('principal');
    return c.json({
      key_id: p.keyId,
      role: p.role,
      tenant: p.allTenants ? '*' : p.tenant,
      all_tenants: !!p.allTenants,
      agent: p.agent,
      permissions: effectivePermissions(p),
    });
  });
  return app;
}
