/**
 * `/api/cost`: cost reports (per agent, team, tenant, tag, day; per successful task; saved by cache
 * and routing) and the savings advisor.
 *
 * - `GET /api/cost/report?group_by=agent,day&from=-30d&agent=…&tag.customer=acme`
 * - `GET /api/cost/advice?agent=support&margin=2pp&days=30` (each recommendation also carries
 *   `monthly_saving_usd`, the window's saving scaled to 30 days)
 * - `POST /api/cost/advice` with `{ agent?, margin?, days?, suite: { name, system?, cases: [{ id, input, tags }] } }`
 *   to include a learned-router recommendation.
 */
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { adviseNode } from '../../cost/advisor/advise-node.js';
import { parseMargin } from '../../cost/advisor/margin.js';
import { costReport } from '../../cost/report/cost-report.js';
import { adviceView, costReportView } from '../../cost/views.js';
import { InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { assertOwns, filterOwned, tenantFilter } from '../access/scope.js';
import type { ModelCatalog } from '../../spec/resolve.js';
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import { parseJson } from './parse.js';
import { usageQueryFrom } from './usage.js';

/** What the cost API needs. */
export interface CostApiDeps {
  store: Store;
  catalog: () => ModelCatalog;
  spec: () => Spec;
  /** The node's data folder; eval runs are also read from `<dataDir>/evals`. */
  dataDir: string;
  flush: () => Promise<void>;
  now?: () => number;
}

const AdviceBody = z
  .object({
    agent: z.string().optional(),
    margin: z.union([z.string(), z.number()]).optional(),
    days: z.number().int().min(1).max(366).optional(),
    suite: z
      .object({ name: z.string(), system: z.string().optional(), cases: z.array(z.object({ id: z.string(), input: z.string(), tags: z.array(z.string()).default([]) })).min(1) })
      .optional(),
  })
  .strict();

function days(v: string | number | undefined): number {
  if (v === undefined || v === '') return 30;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new InvalidRequestError('days must be an integer from 1 to 366', { param: 'days' });
  return n;
}

/**
 * Adds `recommendation.monthly_saving_usd`: the window's saving scaled to 30 days (the window is
 * real usage re-priced, so this projects the month from what the agent actually did).
 */
function withMonthly(view: Record<string, unknown>, savingMicros: number, windowDays: number): Record<string, unknown> {
  const rec = view.recommendation as Record<string, unknown>;
  return { ...view, recommendation: { ...rec, monthly_saving_usd: Math.round((savingMicros * 30) / windowDays) / 1e6 } };
}

/** Builds the cost API. */
export function costApi(d: CostApiDeps) {
  const app = new Hono<{ Variables: DacaVariables }>();
  const now = d.now ?? Date.now;
  const pricing = () => {
    const catalog = d.catalog();
    return { resolve: (n: string) => catalog.resolve(n)?.name, priceOf: (m: string) => catalog.resolve(m)?.price };
  };
  const jsonlDirs = [join(d.dataDir, 'evals'), join(process.cwd(), '.daca', 'evals')];

  app.get('/report', async (c) => {
    const q = usageQueryFrom(c.req.query(), now());
    if (!q.groupBy.length) q.groupBy = ['agent'];
    const tenant = tenantFilter(c, q.tenant);
    if (tenant !== undefined) q.tenant = tenant;
    await d.flush();
    const { limit: _l, ...filter } = q;
    return c.json(costReportView(await costReport(d.store, filter, pricing())));
  });

  const advise = async (c: Context, a: { agent?: string | undefined; margin?: string | number | undefined; days?: string | number | undefined; suite?: z.infer<typeof AdviceBody>['suite'] }) => {
    if (a.agent) await assertOwns(c, 'agent', a.agent);
    await d.flush();
    const all = await adviseNode({
      store: d.store, catalog: d.catalog(), spec: d.spec(), jsonlDirs,
      ...(a.agent ? { agent: a.agent } : {}),
      margin: parseMargin(a.margin === undefined ? undefined : String(a.margin)),
      days: days(a.days),
      ...(a.suite ? { suite: { name: a.suite.name, cases: a.suite.cases, ...(a.suite.system ? { system: a.suite.system } : {}) } } : {}),
      now,
    });
    // advice is per agent name; a tenant's caller gets its own agents' advice only
    const advice = await filterOwned(c, all, (x) => ({ kind: 'agent', id: x.agent }));
    return { agents: advice.map((a) => withMonthly(adviceView(a), a.recommendation.savingMicros, a.windowDays)) };
  };
  app.get('/advice', async (c) => c.json(await advise(c, { agent: c.req.query('agent'), margin: c.req.query('margin'), days: c.req.query('days') })));
  app.post('/advice', async (c) => c.json(await advise(c, await parseJson(c, AdviceBody, 'advice request'))));
  return app;
}
