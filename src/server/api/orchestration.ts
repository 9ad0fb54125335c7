/**
 * `/api/orchestration`: marketplaces run on this node (through its own gateway, approvals, tool
 * policy and audit ledger) and watched live by the dashboard.
 *
 * - `GET /markets` — runs on this node, newest first, with their figures;
 * - `POST /markets` — starts one (`{ buyers, sellers, mediators, demand, model_share, fault_rate, approver, seed }`), 202;
 * - `GET /markets/:id` — live figures, the time series (deals, prices, queues, live agents, model spend), the report when done;
 * - `GET /markets/:id/deals` — recent settled deals; `GET /markets/:id/deals/:deal` — one deal's history;
 * - `/patterns/…` — the spec's declared coordination patterns (orchestration-patterns.ts).
 */
import { Hono } from 'hono';
import { join } from 'node:path';
import { z } from 'zod';
import { openBus } from '../../bus/open-bus.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { Market } from '../../orchestration/marketplace/market.js';
import { faultsAt, marketConfig } from '../../orchestration/marketplace/market-config.js';
import { openStore } from '../../store/open-store.js';
import type { Services } from '../services.js';
import { patternsApi } from './orchestration-patterns.js';
import { goalSourcesOf } from '../../ops/goals/node-goals.js';
import { marketTradeSource } from '../../ops/goals/market-source.js';
import { parseJson } from './parse.js';

/** Body of `POST /api/orchestration/markets`. */
export const StartMarketSchema = z
  .object({
    buyers: z.number().int().min(1).max(5000).default(100),
    sellers: z.number().int().min(1).max(2500).default(50),
    mediators: z.number().int().min(1).max(500).default(10),
    demand: z.number().int().min(1).max(20000).optional(),
    model_share: z.number().min(0).max(1).default(0.2),
    fault_rate: z.number().min(0).max(0.5).default(0),
    approver: z.enum(['policy', 'human']).default('policy'),
    seed: z.number().int().default(7),
  })
  .strict();

interface Run {
  market: Market;
  startedAt: number;
  error: string | null;
  done: boolean;
}

const runs = new WeakMap<object, Map<string, Run>>();

function runsOf(s: Services): Map<string, Run> {
  let m = runs.get(s.store);
  if (!m) runs.set(s.store, (m = new Map()));
  return m;
}

function summary(id: string, r: Run): Record<string, unknown> {
  const s = r.market.snapshot();
  return {
    id, started_at: new Date(r.startedAt).toISOString(), running: !r.done, error: r.error,
    agents: r.market.agentCount, sim_minutes: Math.round(s.simMs / 60_000), deals: s.deals, needs: s.needsPosted, expired: s.expired,
    model_cost_usd: s.modelMicros / 1e6, figures: s.report?.figures ?? null,
  };
}

/** The routes (mounted under `/api/orchestration`, admin only). */
export function orchestrationApi(s: Services): Hono<{ Variables: DacaVariables }> {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.route('/patterns', patternsApi(s));

  app.get('/markets', (c) => {
    const list = [...runsOf(s).entries()].sort((a, b) => b[1].startedAt - a[1].startedAt).map(([id, r]) => summary(id, r));
    return c.json({ data: list });
  });

  app.post('/markets', async (c) => {
    const b = await parseJson(c, StartMarketSchema, 'market');
    const all = runsOf(s);
    for (const r of all.values()) if (!r.done) throw new ConflictError(`a market is already running on this node (${r.market.cfg.id}); wait for it to finish`);
    const cfg = marketConfig({
      id: `market-${Date.now().toString(36)}`, buyers: b.buyers, sellers: b.sellers, mediators: b.mediators, demand: b.demand ?? b.buyers * 3,
      modelShare: b.model_share, faults: faultsAt(b.fault_rate), approver: b.approver, seed: b.seed,
    });
    const bus = await openBus({ nats: { stream: 'DACA_MARKET', prefix: 'daca-market' } });
    const url = process.env.DACA_DATABASE_URL ?? `sqlite:${join(s.dataDir, 'market.db')}`;
    const market = await Market.open(cfg, {
      services: s, bus,
      openLedgerStore: async () => {
        const st = await openStore({ databaseUrl: url, dataDir: s.dataDir });
        await st.migrate();
        return st;
      },
    });
    const run: Run = { market, startedAt: Date.now(), error: null, done: false };
    all.set(cfg.id, run);
    // Goals on trade_completion_rate read the newest market on this node.
    goalSourcesOf(s).set('trade_completion_rate', marketTradeSource(() => run.market));
    void market
      .run()
      .catch((e: unknown) => void (run.error = (e as Error)?.message ?? String(e)))
      .finally(async () => {
        run.done = true;
        await market.close().catch(() => {});
        await bus.close().catch(() => {});
      });
    return c.json(summary(cfg.id, run), 202);
  });

  const get = (id: string): Run => {
    const r = runsOf(s).get(id);
    if (!r) throw new NotFoundError(`no market '${id}' on this node; start one with POST /api/orchestration/markets or \`daca demo marketplace\``);
    return r;
  };

  app.get('/markets/:id', (c) => {
    const r = get(c.req.param('id'));
    const snap = r.market.snapshot();
    const m = r.market.metrics;
    const types = r.market.poolStats();
    return c.json({
      ...summary(c.req.param('id'), r),
      config: { buyers: r.market.cfg.buyers, sellers: r.market.cfg.sellers, mediators: r.market.cfg.mediators, demand: r.market.cfg.demand, model_share: r.market.cfg.modelShare, approver: r.market.cfg.approver, faults: r.market.cfg.faults },
      live: snap.live,
      queued: snap.queued,
      agents_by_type: types,
      fairness: { buyers_served: m.buyerFairness() },
      feasible: m.feasibleServed(),
      approvals: { requested: m.approvalsRequested, approved: m.approvalsApproved, rejected: m.approvalsRejected },
      faults: { dropped: m.dropped, duplicated: m.duplicated, delayed: m.delayed, kills: m.kills, store_restarts: m.storeRestarts },
      deadlocks: { detected: m.deadlocksDetected, resolved: m.deadlocksResolved },
      starved: r.market.starvation.starved.size,
      series: snap.samples.map((p) => ({ t_min: p.t / 60_000, deals: p.deals, price_index: p.priceIndex, queued: p.queued, active: p.active, live: p.live, model_cost_usd: p.modelMicros / 1e6 })),
      report: snap.report,
    });
  });

  app.get('/markets/:id/deals', (c) => {
    const r = get(c.req.param('id'));
    const limit = Math.min(500, Math.max(1, Number(c.req.query('limit') ?? 50)));
    const deals = [...r.market.metrics.deals.values()].slice(-limit).reverse();
    return c.json({ data: deals.map((d) => ({ deal: d.deal, buyer: d.buyer, seller: d.seller, sku: d.sku, qty: d.qty, amount_usd: d.amount / 1e6, rounds: d.rounds, posted_s: d.postedAt / 1000, settled_s: d.settledAt / 1000 })) });
  });

  app.get('/markets/:id/deals/:deal', (c) => {
    const r = get(c.req.param('id'));
    const deal = c.req.param('deal');
    const history = r.market.deals.history(deal);
    if (!history.length) throw new NotFoundError(`no deal '${deal}' in market '${c.req.param('id')}'`);
    return c.json({ deal, history: history.map((e) => ({ at_s: e.at / 1000, kind: e.kind, by: e.by, detail: e.detail ?? {} })) });
  });

  return app;
}
