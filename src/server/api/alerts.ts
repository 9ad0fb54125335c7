/**
 * `/api/alerts`: alert history with delivery status, newest first (`state=firing|resolved|all`).
 */
import { Hono } from 'hono';
import { InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { filterOwned, scopeOf } from '../access/scope.js';
import type { SubjectKind } from '../access/tenant-directory.js';
import type { AlertEngine } from '../../telemetry/alerts/alert-engine.js';
import { parseTime } from './usage.js';
import { limitFrom } from '../../telemetry/analytics/query-params.js';

/**
 * What an alert is about, as an ownable subject: agents, teams and tenants directly, a budget
 * (`team:support/day`) by its subject, an anomaly (`agent:metric`) by its agent.
 */
export function alertSubject(s: { kind: string; id: string }): { kind: SubjectKind; id: string } | null {
  if (s.kind === 'agent' || s.kind === 'team' || s.kind === 'tenant') return { kind: s.kind, id: s.id };
  if (s.kind === 'anomaly') {
    const cut = s.id.lastIndexOf(':');
    return cut > 0 ? { kind: 'agent', id: s.id.slice(0, cut) } : null;
  }
  if (s.kind === 'budget') {
    const m = /^(agent|team|tenant|key|session):(.+)\/[^/]+$/.exec(s.id);
    return m ? { kind: m[1] as SubjectKind, id: m[2]! } : null;
  }
  return null;
}

/** Builds the alerts API. */
export function alertsApi(alerts: AlertEngine, opts: { now?: () => number } = {}) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    const state = q.state || 'all';
    if (state !== 'firing' && state !== 'resolved' && state !== 'all') throw new InvalidRequestError(`state must be firing, resolved or all; got '${state}'`, { param: 'state' });
    const limit = limitFrom(q, 500, 10_000);
    const scoped = scopeOf(c).tenant !== null;
    const all = await alerts.list({
      ...(state !== 'all' ? { state } : {}),
      ...(q.from ? { from: parseTime(q.from, 'from', (opts.now ?? Date.now)()) } : {}),
      // a tenant's caller sees the alerts about its own agents, teams, budgets and tenant
      limit: scoped ? 10_000 : limit,
    });
    const data = (await filterOwned(c, all, (a) => alertSubject(a.subject))).slice(0, limit);
    return c.json({ data });
  });
  return app;
}
