/**
 * `/api/agents`: the agents daca knows, declared in the spec or seen in traffic, with their usage.
 */
import { Hono } from 'hono';
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { totalsView, usageQueryFrom } from './usage.js';

/** Builds the agents API. */
export function agentsApi(store: Store, spec: () => Spec, opts: { flush: () => Promise<void>; now?: () => number }) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = usageQueryFrom({ ...c.req.query(), group_by: 'tenant,team,agent' }, (opts.now ?? Date.now)());
    await opts.flush();
    const report = await store.usage.query(q);
    const s = spec();
    const byId = new Map<string, Record<string, unknown>>();
    for (const [id, a] of Object.entries(s.agents)) {
      const team = s.teams[a.team];
      byId.set(`${team?.tenant}/${a.team}/${id}`, { agent: id, team: a.team, tenant: team?.tenant ?? null, role: a.role ?? a.team, declared: true, ...totalsView({ requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costMicros: 0, avgLatencyMs: 0, avgTtftMs: null }) });
    }
    for (const g of report.groups) {
      const k = `${g.key.tenant}/${g.key.team}/${g.key.agent}`;
      const prev = byId.get(k);
      byId.set(k, { agent: g.key.agent, team: g.key.team, tenant: g.key.tenant, role: prev?.role ?? s.agents[g.key.agent ?? '']?.role ?? g.key.team, declared: !!prev, ...totalsView(g) });
    }
    return c.json({ data: [...byId.values()] });
  });
  return app;
}
