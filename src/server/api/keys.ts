/**
 * `/api/keys`: create, list, revoke virtual keys and change their role. A new key's secret is
 * returned once. Only admins change keys; a tenant admin only within its tenant, and only the
 * global admin creates global keys (tenant `*`). See docs/access-control.md.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../../errors.js';
import { ALL_TENANTS, ROLES } from '../../identity/roles.js';
import { assertVisible, scopeOf, tenantFilter } from '../access/scope.js';
import { noteAudit } from '../access/audit-facts.js';
import { generateKeySecret, hashKeySecret, keyDisplayPrefix, newId } from '../../identity/key-secret.js';
import type { KeyRing } from '../../identity/key-ring.js';
import type { KeyRow, Store } from '../../store/types.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { parseJson } from './parse.js';

const NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'use letters, digits and . _ : @ / - (at most 128)');

/** Body of `POST /api/keys`. */
export const CreateKeySchema = z
  .object({
    name: z.string().max(128).optional(),
    tenant: z.union([NAME, z.literal(ALL_TENANTS)]).optional().describe("the key's tenant; '*' makes a global key (global admin only); default: the caller's tenant"),
    team: NAME.default('default'),
    agent: NAME.nullable().optional(),
    role: z.enum(ROLES).default('agent'),
    models: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** Body of `PATCH /api/keys/:id`: a new role. */
export const RoleChangeSchema = z.object({ role: z.enum(ROLES) }).strict();

/** The public view of a key (never its secret or hash). */
export function keyView(k: KeyRow): Record<string, unknown> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    tenant: k.tenant,
    team: k.team,
    agent: k.agent,
    role: k.role,
    models: k.models,
    created_by: k.createdBy ?? null,
    created_at: new Date(k.createdAt).toISOString(),
    revoked_at: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
    source: k.source,
  };
}

/** Builds the keys API. */
export function keysApi(store: Store, keyRing: KeyRing, now: () => number = Date.now) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.post('/', async (c) => {
    const body = await parseJson(c, CreateKeySchema, 'key');
    const p = c.get('principal');
    const scope = scopeOf(c).tenant;
    const tenant = body.tenant ?? scope ?? 'default';
    if (scope !== null && tenant !== scope) throw new ForbiddenError(`this admin key belongs to tenant '${scope}' and can create keys of that tenant only`, { param: 'tenant', details: { reason: 'tenant' } });
    if (tenant === ALL_TENANTS && body.role === 'agent') throw new InvalidRequestError("an agent key belongs to one tenant; give a tenant other than '*'", { param: 'tenant' });
    const secret = generateKeySecret();
    const row: KeyRow = {
      id: newId('key'),
      hash: hashKeySecret(secret),
      prefix: keyDisplayPrefix(secret),
      name: body.name ?? null,
      tenant,
      team: body.team,
      agent: body.agent ?? null,
      role: body.role,
      models: body.models ?? null,
      createdAt: now(),
      revokedAt: null,
      source: 'api',
      createdBy: `key:${p.keyId}`,
    };
    await store.keys.create(row);
    keyRing.invalidateHash(row.hash);
    noteAudit(c, { tenant, detail: { action: 'key_created', key_id: row.id, key_role: row.role, key_tenant: tenant } });
    return c.json({ ...keyView(row), key: secret, note: 'Store this key now: it is shown only once.' }, 201);
  });
  app.get('/', async (c) => {
    const q = c.req.query();
    const rows = await store.keys.list({
      ...(q.team ? { team: q.team } : {}),
      ...(q.agent ? { agent: q.agent } : {}),
      includeRevoked: q.include_revoked === 'true',
    });
    const tenant = tenantFilter(c, q.tenant);
    return c.json({ data: rows.filter((k) => tenant === undefined || k.tenant === tenant).map(keyView) });
  });
  /** A key the caller may see and change, else 404 (another tenant's key is "not found"). */
  const visibleKey = async (c: Parameters<typeof scopeOf>[0], id: string): Promise<KeyRow> => {
    const k = await store.keys.get(id);
    const missing = () => `no key with id '${id}'; list keys with \`daca keys list\``;
    if (!k) throw new NotFoundError(missing());
    assertVisible(c, k.tenant, missing);
    return k;
  };
  const revoke = async (c: Parameters<typeof scopeOf>[0] & { json: (o: unknown) => Response }, id: string) => {
    const k = await visibleKey(c, id);
    await store.keys.revoke(id, now());
    keyRing.invalidateKey(id);
    noteAudit(c, { tenant: k.tenant, detail: { action: 'key_revoked', key_id: id, key_role: k.role, key_tenant: k.tenant } });
    return c.json({ id, revoked: true });
  };
  app.get('/:id', async (c) => c.json(keyView(await visibleKey(c, c.req.param('id')))));
  app.delete('/:id', (c) => revoke(c, c.req.param('id')));
  app.post('/:id/revoke', (c) => revoke(c, c.req.param('id')));
  app.patch('/:id', async (c) => {
    const id = c.req.param('id');
    const body = await parseJson(c, RoleChangeSchema, 'role change');
    const k = await visibleKey(c, id);
    if (k.revokedAt !== null) throw new InvalidRequestError(`key '${id}' is revoked; create a new one`, { param: 'id' });
    if (k.tenant === ALL_TENANTS && body.role === 'agent') throw new InvalidRequestError("a global key cannot become an agent key; create an agent key of one tenant", { param: 'role' });
    if (k.source === 'spec') throw new InvalidRequestError(`key '${id}' is declared in the spec; change its role there`, { param: 'id' });
    await store.keys.setRole(id, body.role);
    keyRing.invalidateKey(id);
    noteAudit(c, { tenant: k.tenant, detail: { action: 'key_role_changed', key_id: id, from_role: k.role, to_role: body.role, key_tenant: k.tenant } });
    return c.json(keyView({ ...k, role: body.role }));
  });
  return app;
}
