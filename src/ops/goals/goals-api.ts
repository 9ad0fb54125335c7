/**
 * `/api/ops/goals`: the node's goals with their attainment and the controller's action log.
 *
 * - `GET /` — every goal of the spec in force (value, target, met, attainment over its window,
 *   open escalation, the model its scope is downgraded to, deferred agents) and the last `limit`
 *   actions (default 100), newest last;
 * - `POST /evaluate` — evaluates every goal now (acting as on the schedule) and answers the same.
 */
import { Hono } from 'hono';
import { InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { Services } from '../../server/services.js';
import { goalsOf } from './node-goals.js';
import type { GoalRunner } from './goal-runner.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function body(r: GoalRunner, limit: number): unknown {
  return {
    evaluated_at: iso(r.evaluatedAt),
    goals: r.status().map((g) => ({
      ...g,
      escalation: g.escalation ? { ...g.escalation, since: iso(g.escalation.since) } : null,
      downgraded: g.downgraded ? { ...g.downgraded, since: iso(g.downgraded.since) } : null,
    })),
    actions: r.actions.slice(-limit).map((a) => ({ ...a, at: iso(a.at) })),
  };
}

function limitOf(q: string | undefined): number {
  if (q === undefined) return 100;
  const n = Number(q);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidRequestError(`limit must be an integer from 1 to 1000, got '${q}'`);
  return n;
}

/** The routes (mounted under `/api/ops/goals`). */
export function goalsApi(s: Services): Hono<{ Variables: DacaVariables }> {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', (c) => c.json(body(goalsOf(s), limitOf(c.req.query('limit')))));
  app.post('/evaluate', async (c) => {
    const r = goalsOf(s);
    await r.evaluate();
    return c.json(body(r, limitOf(c.req.query('limit'))));
  });
  return app;
}
