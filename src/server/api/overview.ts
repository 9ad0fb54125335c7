/**
 * `/api/overview`: fleet totals (requests, errors, tokens, cost, latency and TTFT percentiles),
 * a time series and the top agents by cost.
 */
import { Hono } from 'hono';
import type { DacaVariables } from '../../gateway/start-call.js';
import { tenantFilter } from '../access/scope.js';
import type { Analytics } from '../../telemetry/analytics/analytics.js';
import { parseBucket } from '../../telemetry/analytics/series.js';
import { windowFrom } from '../../telemetry/analytics/query-params.js';

/** Builds the overview API. */
export function overviewApi(analytics: Analytics, opts: { now?: () => number } = {}) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    const tenant = tenantFilter(c, q.tenant);
    const w = { ...windowFrom(q, (opts.now ?? Date.now)()), ...(tenant !== undefined ? { tenant } : {}) };
    return c.json(await analytics.overview(w, parseBucket(q.bucket, w.from, w.to)));
  });
  return app;
}
