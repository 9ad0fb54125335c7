/**
 * `POST /api/feedback`: a quality rating of one answer (`request_id`, the `x-daca-request-id` of
 * the call) or of a whole session. `score` is in [-1, 1] (thumbs up = 1, down = -1, or a graded
 * value); above 0 counts as positive. The rating is attributed to the agent that answered.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { FeedbackRepo } from '../../telemetry/feedback/feedback-repo.js';
import type { Store } from '../../store/types.js';
import { parseJson } from './parse.js';
import { scopeOf } from '../access/scope.js';

/** Body of `POST /api/feedback`. */
export const FeedbackBodySchema = z
  .object({
    request_id: z.string().min(1).max(128).optional(),
    session: z.string().min(1).max(256).optional(),
    score: z.number().min(-1).max(1),
    label: z.string().max(64).optional(),
    comment: z.string().max(4000).optional(),
  })
  .strict()
  .refine((b) => b.request_id !== undefined || b.session !== undefined, { message: 'give request_id or session', path: ['request_id'] });

/** Builds the feedback API. */
export function feedbackApi(store: Store, feedback: FeedbackRepo, opts: { flush: () => Promise<void>; now?: () => number }) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.post('/', async (c) => {
    const body = await parseJson(c, FeedbackBodySchema, 'feedback');
    await opts.flush();
    let who: { tenant: string; team: string; agent: string; session: string | null };
    const scope = scopeOf(c).tenant;
    if (body.request_id !== undefined) {
      const u = await store.usage.get(body.request_id);
      // another tenant's request is "not found", exactly like a missing one
      if (!u || (scope !== null && u.tenant !== scope)) throw new NotFoundError(`no request '${body.request_id}' in recorded usage; use the x-daca-request-id of a call`, { param: 'request_id' });
      if (body.session !== undefined && u.session !== body.session) throw new NotFoundError(`request '${body.request_id}' is not part of session '${body.session}'`, { param: 'session' });
      who = u;
    } else {
      const [u] = await store.usage.list({ session: body.session!, limit: 1, ...(scope !== null ? { tenant: scope } : {}) });
      if (!u) throw new NotFoundError(`no session '${body.session}' in recorded usage; sessions come from the x-daca-session header`, { param: 'session' });
      who = u;
    }
    const id = `fb_${randomBytes(10).toString('hex')}`;
    await feedback.insert({
      id, ts: (opts.now ?? Date.now)(), requestId: body.request_id ?? null, session: body.session ?? who.session,
      tenant: who.tenant, team: who.team, agent: who.agent, score: body.score, label: body.label ?? null, comment: body.comment ?? null,
    });
    return c.json({ id, agent: who.agent }, 201);
  });
  return app;
}
