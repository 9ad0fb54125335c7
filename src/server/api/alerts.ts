/**
 * `/api/alerts`: alert history with delivery status, newest first (`state=firing|resolved|all`).
 */
import { Hono } from 'hono';
import { InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { AlertEngine } from '../../telemetry/alerts/alert-engine.js';
import { parseTime } from './usage.js';
import { limitFrom } from '../../telemetry/analytics/query-params.js';

/** Builds the alerts API. */
export function alertsApi(alerts: AlertEngine, opts: { now?: () => number } = {}) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    const state = q.state || 'all';
    if (state !== 'firing' && state !== 'resolved' && state !== 'all') throw new InvalidRequestError(`state must be firing, resolved or all; got '${state}'`, { param: 'state' });
    const data = await alerts.list({
      ...(state !== 'all' ? { state } : {}),
      ...(q.from ? { from: parseTime(q.from, 'from', (opts.now ?? Date.now)()) } : {}),
      limit: limitFrom(q, 500, 10_000),
    });
    return c.json({ data });
  });
  return app;
}
