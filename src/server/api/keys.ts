/**
 * `/api/keys`: create, list and revoke virtual keys. A new key's secret is returned once.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
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
    tenant: NAME.default('default'),
    team: NAME.default('default'),
    agent: NAME.nullable().optional(),
    role: z.enum(['agent', 'admin']).default('agent'),
    models: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

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
    const secret = generateKeySecret();
    const row: KeyRow = {
      id: newId('key'),
      hash: hashKeySecret(secret),
      prefix: keyDisplayPrefix(secret),
      name: body.name ?? null,
      tenant: body.tenant,
      team: body.team,
      agent: body.agent ?? null,
      role: body.role,
      models: body.models ?? null,
      createdAt: now(),
      revokedAt: null,
      source: 'api',
    };
    await store.keys.create(row);
    keyRing.invalidateHash(row.hash);
    return c.json({ ...keyView(row), key: secret, note: 'Store this key now: it is shown only once.' }, 201);
  });
  app.get('/', async (c) => {
    const q = c.req.query();
    const rows = await store.keys.list({
      ...(q.tenant ? { tenant: q.tenant } : {}),
      ...(q.team ? { team: q.team } : {}),
      ...(q.agent ? { agent: q.agent } : {}),
      includeRevoked: q.include_revoked === 'true',
    });
    return c.json({ data: rows.map(keyView) });
  });
  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    const ok = await store.keys.revoke(id, now());
    if (!ok) throw new NotFoundError(`no key with id '${id}'; list keys with \`daca keys list\``);
    keyRing.invalidateKey(id);
    return c.json({ id, revoked: true });
  });
  app.post('/:id/revoke', async (c) => {
    const id = c.req.param('id');
    const ok = await store.keys.revoke(id, now());
    if (!ok) throw new NotFoundError(`no key with id '${id}'; list keys with \`daca keys list\``);
    keyRing.invalidateKey(id);
    return c.json({ id, revoked: true });
  });
  return app;
}
