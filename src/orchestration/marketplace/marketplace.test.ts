/**
 * The small marketplace (100 buyers / 50 sellers / 10 mediators) end to end on a real node
 * (gateway with the sim provider, approvals, audit ledger, SQLite ledger): the invariants hold,
 * every feasible need is served, nobody starves, deals above the spec's limit were approved by the
 * policy agent, every deal is audited, model calls are metered to each agent. The same market
 * under faults (restate-server killed too) is in marketplace-faults.integration.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { auditOf } from '../../compliance/node-audit.js';
import { searchAudit } from '../../compliance/ledger-query.js';
import { formatHistory } from './deal-log.js';
import { marketConfig } from './market-config.js';
import { runMarket } from './run-market.js';

const small = (over: Parameters<typeof marketConfig>[0] = {}) => marketConfig({ buyers: 100, sellers: 50, mediators: 10, id: `t-${Math.random().toString(36).slice(2, 8)}`, ...over });

describe('marketplace 100 / 50 / 10', () => {
  it('trades with every invariant holding, every feasible need served, deals approved and audited', async () => {
    const seen: { audited: number; approvals: { decidedBy: string | null; status: string }[]; agents: string[]; history: string } = { audited: 0, approvals: [], agents: [], history: '' };
    const { report } = await runMarket(small(), {
      inspect: async (m, s) => {
        const audit = await auditOf(s);
        await audit.flush();
        seen.audited = (await searchAudit(audit.db, { tenant: 'market', kind: 'agent_decision', limit: 1000 })).length;
        seen.approvals = (await s.engines.approvals.list({ limit: 1000 })).map((a) => ({ decidedBy: a.decidedBy, status: a.status }));
        const u = await s.store.usage.query({ groupBy: ['agent'], tenant: 'market' });
        seen.agents = u.groups.map((g) => String(g.key.agent));
        const big = [...m.metrics.deals.values()].find((d) => d.amount > 1_000_000_000);
        if (big) seen.history = formatHistory(big.deal, m.deals.history(big.deal));
      },
    });
    const f = report.figures;
    expect(report.invariants.violations).toEqual([]);
    expect(f).toMatchObject({ agents: 161, deadlocks: 0, starved: 0, invariant_violations: 0 });
    expect(f.feasible_served).toBe(1);
    expect(f.jain_fairness).toBeGreaterThanOrEqual(0.9);
    expect(f.deals).toBe(report.served);
    expect(report.invariants.checks).toBeGreaterThan(5);
    expect(seen.audited).toBe(f.deals);
    expect(report.approvals.requested).toBeGreaterThan(0);
    expect(seen.approvals.length).toBe(report.approvals.requested);
    expect(seen.approvals.every((a) => a.decidedBy === 'policy-agent' && a.status !== 'pending')).toBe(true);
    expect(report.model.calls).toBeGreaterThan(50);
    expect(f.model_cost_usd).toBeGreaterThan(0);
    expect(seen.agents.some((a) => a.startsWith('buyer-'))).toBe(true);
    expect(seen.agents.some((a) => a.startsWith('seller-'))).toBe(true);
    expect(seen.history).toMatch(/approval[\s\S]*approved[\s\S]*settled/);
  }, 120_000);

  it('with --approver human, people decide large deals through the approvals service (paced clock)', async () => {
    let person: NodeJS.Timeout | undefined;
    const decided: string[] = [];
    const { report, market } = await runMarket(
      small({ approver: 'human', pace: 2_000, horizonMs: 10 * 60_000, deadlineMs: [5 * 60_000, 10 * 60_000] }),
      {
        onOpen: (_m, s) => {
          person = setInterval(() => {
            void s.engines.approvals.list({ status: 'pending' }).then(async (list) => {
              for (const a of list) {
                await s.engines.approvals.decide(a.id, { decision: 'approve', approver: { name: 'alice', keyId: 'human:alice' }, note: 'looks right' }).catch(() => {});
                decided.push(a.id);
              }
            });
          }, 20);
        },
      },
    );
    clearInterval(person);
    expect(report.invariants.violations).toEqual([]);
    expect(decided.length).toBeGreaterThan(0);
    expect(report.approvals.approved).toBe(decided.length);
    const big = [...market.metrics.deals.values()].filter((d) => d.amount > 1_000_000_000);
    expect(big.length).toBeGreaterThan(0);
    expect(report.figures.feasible_served).toBe(1);
  }, 120_000);

  it('is reproducible: the same seed gives the same deals', async () => {
    const a = await runMarket(small({ buyers: 30, sellers: 15, mediators: 3, modelShare: 0 }));
    const b = await runMarket(small({ buyers: 30, sellers: 15, mediators: 3, modelShare: 0 }));
    const deals = (r: typeof a) => [...r.market.metrics.deals.values()].map((d) => `${d.deal}:${d.seller}:${d.amount}`).sort();
    expect(deals(a)).toEqual(deals(b));
    expect(a.report.figures.deals).toBeGreaterThan(20);
  }, 120_000);
});
