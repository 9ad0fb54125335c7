/**
 * `/api/budgets`: the spec's budgets and their counters (spent and held per subject and window).
 */
import { Hono } from 'hono';
import type { BudgetEngine } from '../../guardrails/budgets/budget-engine.js';
import type { CounterRow } from '../../guardrails/budgets/budget-ledger.js';
import type { CompiledBudget } from '../../guardrails/budgets/budget-policy.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { filterOwned, ruleVisible } from '../access/scope.js';
import type { SubjectKind } from '../access/tenant-directory.js';

const usd = (micros: number): number => micros / 1e6;

/** The public view of a budget entry. */
export function budgetView(b: CompiledBudget): Record<string, unknown> {
  return {
    scope: b.scope,
    ...(b.tenant ? { tenant: b.tenant } : {}),
    ...(b.team ? { team: b.team } : {}),
    ...(b.agent ? { agent: b.agent } : {}),
    ...(b.key ? { key: b.key } : {}),
    limit_usd: usd(b.limitMicros),
    window: b.window,
    hard: b.hard,
    levels: b.levels.map((l) => ({ level: l.name, usd: usd(l.micros) })),
    downgrade: b.downgrade ? { at_usd: usd(b.downgrade.atMicros), to: b.downgrade.to } : null,
  };
}

/** The public view of a budget counter. */
export function counterView(r: CounterRow): Record<string, unknown> {
  return {
    scope: r.scope,
    subject: r.subject,
    window: r.window,
    window_start: r.window === 'total' ? null : new Date(r.windowStart).toISOString(),
    spent_usd: usd(r.spentMicros),
    reserved_usd: usd(r.reservedMicros),
    limit_usd: r.limitMicros >= Number.MAX_SAFE_INTEGER ? null : usd(r.limitMicros),
    spent_micros: r.spentMicros,
    reserved_micros: r.reservedMicros,
    updated_at: new Date(r.updatedAt).toISOString(),
  };
}

const KINDS = new Set(['tenant', 'team', 'agent', 'key', 'session']);
const isSubjectKind = (s: string): s is SubjectKind => KINDS.has(s);

/** Builds the budgets API over the node's budget engine. */
export function budgetsApi(budgets: BudgetEngine) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    // Write this node's pending spend first so the listing is current.
    await budgets.flush();
    const rows = await budgets.ledger.list({
      ...(q.scope ? { scope: q.scope } : {}),
      ...(q.subject ? { subject: q.subject } : {}),
      ...(q.window ? { window: q.window } : {}),
      limit: Math.min(Number(q.limit) || (c.get('principal').allTenants ? 200 : 2000), 2000),
    });
    const p = c.get('principal');
    const policies = budgets.policy.budgets;
    const shown = await Promise.all(policies.map((b) => ruleVisible(c, { tenant: b.tenant ?? undefined, team: b.team ?? undefined, agent: b.agent ?? undefined, key: b.key ?? undefined })));
    let counters = await filterOwned(c, rows, (r) => (isSubjectKind(r.scope) ? { kind: r.scope, id: r.subject } : null));
    // an agent key reads its own budgets only: its agent (when bound), team, tenant and key
    if (p.role === 'agent') counters = counters.filter((r) => r.scope === 'tenant' || (r.scope === 'team' && r.subject === p.team) || (r.scope === 'key' && r.subject === p.keyId) || (r.scope === 'agent' && (p.agent === null || r.subject === p.agent)));
    return c.json({ budgets: policies.filter((_, i) => shown[i]).map(budgetView), data: counters.map(counterView) });
  });
  app.post('/sweep', async (c) => c.json({ freed_leases: await budgets.sweep() }));
  return app;
}
