/**
 * `/api/sessions`: sessions (requests sharing `x-daca-session`) with totals, newest activity
 * first; `/api/sessions/:session`: one session's totals and timeline of calls.
 */
import { Hono } from 'hono';
import { NotFoundError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { scopeOf, tenantFilter } from '../access/scope.js';
import type { Analytics } from '../../telemetry/analytics/analytics.js';
import { sessionTimeline } from '../../telemetry/analytics/sessions.js';
import type { Store } from '../../store/types.js';
import { parseTime } from './usage.js';
import { limitFrom } from '../../telemetry/analytics/query-params.js';

/** Builds the sessions API. */
export function sessionsApi(store: Store, analytics: Analytics, opts: { flush: () => Promise<void>; now?: () => number }) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    const now = (opts.now ?? Date.now)();
    const tenant = tenantFilter(c, q.tenant);
    const data = await analytics.sessions({
      ...(q.from ? { from: parseTime(q.from, 'from', now) } : {}),
      ...(q.to ? { to: parseTime(q.to, 'to', now) } : {}),
      ...(q.agent ? { agent: q.agent } : {}),
      ...(q.team ? { team: q.team } : {}),
      ...(tenant !== undefined ? { tenant } : {}),
      limit: limitFrom(q, 100, 1000),
    });
    return c.json({ data });
  });
  app.get('/:session', async (c) => {
    await opts.flush();
    const id = c.req.param('session');
    const tenant = scopeOf(c).tenant;
    const r = await sessionTimeline(store, id, tenant === null ? {} : { tenant });
    if (!r) throw new NotFoundError(`no session '${id}' in recorded usage; sessions come from the x-daca-session header`);
    return c.json(r);
  });
  return app;
}
