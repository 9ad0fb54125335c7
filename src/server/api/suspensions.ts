/**
 * `/api/suspensions`: the kill switch. List suspended keys, agents, teams and tenants, suspend one
 * (applied on this node at once, on the others within seconds), lift a suspension.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { KillSwitch } from '../../guardrails/kill-switch/kill-switch.js';
import { SUSPENSION_KINDS, type Suspension, type SuspensionKind } from '../../guardrails/kill-switch/suspension-repo.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { parseJson } from './parse.js';
import { assertOwns, directoryOf, filterOwned } from '../access/scope.js';
import { noteAudit } from '../access/audit-facts.js';

/** Body of `POST /api/suspensions`. */
export const SuspendSchema = z
  .object({
    kind: z.enum(SUSPENSION_KINDS).describe('key, agent, team or tenant'),
    subject: z.string().min(1).max(256).describe('the key id, agent, team or tenant name'),
    reason: z.string().min(1).max(1000).describe('shown to callers in the 403'),
    as: z.string().min(1).max(128).optional().describe('who suspends (default: the calling key id)'),
  })
  .strict();

/** The public view of a suspension. */
export function suspensionView(s: Suspension): Record<string, unknown> {
  return { kind: s.kind, subject: s.subject, reason: s.reason, by: s.by, since: new Date(s.at).toISOString() };
}

/** Builds the suspensions API over the node's kill switch. */
export function suspensionsApi(ks: KillSwitch) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => c.json({ data: (await filterOwned(c, await ks.list(), (x) => ({ kind: x.kind, id: x.subject }))).map(suspensionView) }));
  app.post('/', async (c) => {
    const body = await parseJson(c, SuspendSchema, 'suspension');
    await assertOwns(c, body.kind, body.subject);
    const tenant = await directoryOf(c).owner(body.kind, body.subject);
    noteAudit(c, { ...(tenant ? { tenant } : {}), detail: { action: 'suspended', kind: body.kind, subject: body.subject, reason: body.reason } });
    const s = await ks.suspend({ kind: body.kind, subject: body.subject, reason: body.reason, by: body.as ?? c.get('principal').keyId });
    return c.json(suspensionView(s), 201);
  });
  app.delete('/:kind/:subject', async (c) => {
    const kind = c.req.param('kind');
    const subject = c.req.param('subject');
    if ((SUSPENSION_KINDS as readonly string[]).includes(kind)) {
      await assertOwns(c, kind as SuspensionKind, subject);
      const tenant = await directoryOf(c).owner(kind as SuspensionKind, subject);
      noteAudit(c, { ...(tenant ? { tenant } : {}), detail: { action: 'resumed', kind, subject } });
    }
    if (!(SUSPENSION_KINDS as readonly string[]).includes(kind) || !(await ks.resume(kind as SuspensionKind, subject)))
      throw new NotFoundError(`${kind} ${subject} is not suspended; list suspensions with \`daca suspensions\``);
    return c.json({ kind, subject, resumed: true });
  });
  return app;
}
