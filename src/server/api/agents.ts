/**
 * `/api/agents`: the agents daca knows (declared in the spec or seen in traffic) with analytics —
 * calls, tokens per call/session, cost per day, latency and TTFT percentiles, error rate, finish
 * reasons, refusals, feedback and anomaly flags — and the medians of each peer group.
 * `/api/agents/:agent` adds a time series and the agent's latest sessions.
 */
import { Hono } from 'hono';
import { NotFoundError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { tenantFilter } from '../access/scope.js';
import { parseBucket } from '../../telemetry/analytics/series.js';
import type { Observability } from '../../telemetry/analytics/observability.js';
import { groupingFrom, windowFrom } from '../../telemetry/analytics/query-params.js';

/** Builds the agents API. */
export function agentsApi(obs: Pick<Observability, 'analytics' | 'anomalies'>, opts: { now?: () => number } = {}) {
  const app = new Hono<{ Variables: DacaVariables }>();
  const now = opts.now ?? Date.now;
  const flags = (a: { tenant: string; team: string; agent: string }) => obs.anomalies.activeFor(a);
  app.get('/', async (c) => {
    const q = c.req.query();
    const tenant = tenantFilter(c, q.tenant);
    const r = await obs.analytics.agents({ ...windowFrom(q, now()), ...(tenant !== undefined ? { tenant } : {}) }, groupingFrom(q), flags);
    return c.json(r);
  });
  app.get('/:agent', async (c) => {
    const q = c.req.query();
    const tenant = tenantFilter(c, q.tenant);
    const w = { ...windowFrom(q, now()), ...(tenant !== undefined ? { tenant } : {}) };
    const name = c.req.param('agent');
    const r = await obs.analytics.agent(name, w, parseBucket(q.bucket, w.from, w.to), groupingFrom(q), flags);
    if (!r) throw new NotFoundError(`no agent '${name}': it is not declared in the spec and has no recorded traffic`);
    return c.json(r);
  });
  return app;
}
