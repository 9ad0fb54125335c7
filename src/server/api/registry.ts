/**
 * `/api/registry`: the model registry — versions (provider model id, parameters, prompt template
 * version, eval runs, status), aliases per agent group, the alias history, and which version each
 * agent used at a given time.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { VersionParamsSchema, VersionStatusSchema } from '../../governance/governance-spec.js';
import type { Governance } from '../../governance/governance.js';
import { scopeOf } from '../../governance/scope.js';
import { aliasChangeView, aliasView, versionView } from '../../governance/views.js';
import { parseJson } from './parse.js';

/** Body of `POST /api/registry/versions`. */
export const VersionBody = z
  .object({
    id: z.string().min(1),
    model: z.string().min(1),
    params: VersionParamsSchema.optional(),
    prompt_version: z.string().nullable().optional(),
    status: VersionStatusSchema.optional(),
    eval_runs: z.array(z.string()).optional(),
    description: z.string().nullable().optional(),
  })
  .strict();

const PatchBody = z
  .object({ status: VersionStatusSchema.optional(), description: z.string().nullable().optional(), prompt_version: z.string().nullable().optional(), add_eval_runs: z.array(z.string()).optional() })
  .strict();

const AliasBody = z.object({ group: z.string().min(1), name: z.string().min(1).default('stable'), version: z.string().min(1), reason: z.string().max(500).optional() }).strict();

function timeParam(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new InvalidRequestError(`'${v}' is not a time (ms since the epoch or an ISO date)`, { param: 'at' });
  return n;
}

/** Builds the registry API over a node's governance. */
export function registryApi(governance: () => Promise<Governance>) {
  const app = new Hono<{ Variables: DacaVariables }>();
  const actor = (c: { get(k: 'principal'): DacaVariables['principal'] }): string => `key:${c.get('principal').keyId}`;

  app.get('/versions', async (c) => c.json({ data: (await (await governance()).registry.versions()).map(versionView) }));
  app.get('/versions/:id', async (c) => c.json(versionView(await (await governance()).registry.version(c.req.param('id')))));
  app.post('/versions', async (c) => {
    const b = await parseJson(c, VersionBody, 'model version');
    const v = await (await governance()).registry.register(
      {
        id: b.id, model: b.model, ...(b.params ? { params: b.params } : {}), ...(b.prompt_version !== undefined ? { promptVersion: b.prompt_version } : {}),
        ...(b.status ? { status: b.status } : {}), ...(b.eval_runs ? { evalRuns: b.eval_runs } : {}), ...(b.description !== undefined ? { description: b.description } : {}),
      },
      actor(c),
    );
    return c.json(versionView(v), 201);
  });
  app.patch('/versions/:id', async (c) => {
    const b = await parseJson(c, PatchBody, 'version change');
    const v = await (await governance()).registry.update(
      c.req.param('id'),
      { ...(b.status ? { status: b.status } : {}), ...(b.description !== undefined ? { description: b.description } : {}), ...(b.prompt_version !== undefined ? { promptVersion: b.prompt_version } : {}), ...(b.add_eval_runs ? { addEvalRuns: b.add_eval_runs } : {}) },
      actor(c),
    );
    return c.json(versionView(v));
  });

  app.get('/aliases', async (c) => {
    const group = c.req.query('group');
    return c.json({ data: (await (await governance()).registry.aliases(group || undefined)).map(aliasView) });
  });
  app.put('/aliases', async (c) => {
    const b = await parseJson(c, AliasBody, 'alias');
    const ch = await (await governance()).registry.setAlias(b.group, b.name, b.version, actor(c), b.reason ?? 'set by an operator');
    return c.json(aliasChangeView(ch));
  });
  app.delete('/aliases', async (c) => {
    const group = c.req.query('group');
    const name = c.req.query('name');
    if (!group || !name) throw new InvalidRequestError('give ?group= and ?name=', { param: 'group' });
    return c.json({ removed: await (await governance()).registry.deleteAlias(group, name, actor(c)) });
  });

  app.get('/history', async (c) => {
    const gov = await governance();
    const group = c.req.query('group');
    const spec = gov.specNow();
    const changes = await gov.aliasHistory(group ? scopeOf(group, spec) : undefined);
    return c.json({ data: changes.map(aliasChangeView) });
  });

  app.get('/agents', async (c) => {
    const gov = await governance();
    const at = timeParam(c.req.query('at'));
    const extra = (c.req.query('agents') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const [team, agent] = s.includes('/') ? (s.split('/', 2) as [string, string]) : ['default', s];
        return { agent, team };
      });
    const rows = await gov.agentsAt(at, extra);
    return c.json({ at: at ?? null, data: rows });
  });
  return app;
}
