/**
 * `/api/anomalies`: anomalies seen in the window (active ones always included), newest first.
 */
import { Hono } from 'hono';
import type { DacaVariables } from '../../gateway/start-call.js';
import { tenantFilter } from '../access/scope.js';
import type { AnomalyRepo } from '../../telemetry/anomalies/anomaly-repo.js';
import { parseTime } from './usage.js';
import { limitFrom } from '../../telemetry/analytics/query-params.js';

/** Builds the anomalies API. */
export function anomaliesApi(repo: AnomalyRepo, opts: { now?: () => number } = {}) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    const from = parseTime(q.from || '-24h', 'from', (opts.now ?? Date.now)());
    const tenant = tenantFilter(c, q.tenant);
    const data = await repo.list({ from, ...(q.agent ? { agent: q.agent } : {}), ...(tenant !== undefined ? { tenant } : {}), limit: limitFrom(q, 500, 10_000) });
    return c.json({ data: q.active === 'true' ? data.filter((a) => a.active) : data });
  });
  return app;
}
