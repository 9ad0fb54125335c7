/**
 * `/api/spec-ops`: plan and apply a spec on the running node, and its kept versions.
 * `POST /plan {yaml}` → the plan against the spec in force; `POST /apply {yaml}` → applies it live
 * (when the node runs as a {@link LiveNode}; 409 otherwise); `GET /versions` → kept versions.
 */
import { Hono } from 'hono';
import { ConflictError, InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { liveNodeOf } from '../../ops/live-node.js';
import { planSpecChange } from '../../ops/spec-diff.js';
import { listSpecVersions } from '../../ops/spec-versions.js';
import { parseSpecText } from '../../spec/loader.js';
import type { Services } from '../services.js';

async function specBody(c: { req: { json(): Promise<unknown> } }): Promise<{ yaml: string; source: string }> {
  const b = (await c.req.json().catch(() => null)) as { yaml?: unknown; source?: unknown } | null;
  if (!b || typeof b.yaml !== 'string') throw new InvalidRequestError('expected {"yaml": "<spec text>"}');
  return { yaml: b.yaml, source: typeof b.source === 'string' ? b.source : '(api)' };
}

/** The spec operations API of a node (`s` may be a LiveNode's services view). */
export function specOpsApi(s: Services): Hono<{ Variables: DacaVariables }> {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.post('/plan', async (c) => {
    const b = await specBody(c);
    const next = parseSpecText(b.yaml, b.source, process.env);
    return c.json({ from: s.spec.hash, to: next.hash, ...planSpecChange(s.spec.spec, next.spec) });
  });
  app.post('/apply', async (c) => {
    const live = liveNodeOf(s);
    if (!live) throw new ConflictError('this node does not apply specs live; start it as a LiveNode (see docs/operations.md) or restart it with the new spec');
    const b = await specBody(c);
    const next = parseSpecText(b.yaml, b.source, process.env);
    const r = await live.apply(next, { text: b.yaml, actor: c.get('principal')?.keyId ?? 'admin' });
    return c.json({ to: next.hash, swapped: r.swapped, version: r.version, ...r.plan });
  });
  app.get('/versions', async (c) => c.json({ versions: await listSpecVersions(s.dataDir), current: s.spec.hash }));
  return app;
}
