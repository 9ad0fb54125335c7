/**
 * The autonomous week of the marketplace (src/orchestration): the market run for N simulated days
 * on its injected clock, in 4-hour periods, on one daca node, with daily demand cycles and spikes,
 * a one-hour provider outage, bursts of agent crashes, a model release mid-week (eval gate, canary,
 * promotion or rollback on evidence) and the operator's day-5 spec change that tightens the daily
 * spend goal. The goals come from the spec's `goals:` (src/ops/week/week-specs.ts): a
 * trade_completion_rate goal (target, `within`, the mediator pool's `scale`) and a
 * cost_per_day_usd goal (target, `defer`). The goal controller (src/ops/controller.ts) keeps them
 * with no person involved and records every action with its reason.
 *
 * Shared by `npm run bench:week` and `daca demo marketplace --days N`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openBus } from '../../bus/open-bus.js';
import { auditOf } from '../../compliance/node-audit.js';
import { verifyLedger } from '../../compliance/verify-ledger.js';
import { UpstreamUnavailableError } from '../../errors.js';
import type { Gateway } from '../../gateway/gateway.js';
import { marketConfig } from '../../orchestration/marketplace/market-config.js';
import { Market } from '../../orchestration/marketplace/market.js';
import { rng } from '../../orchestration/rng.js';
import { GatewayModelClient } from '../../runtime/model-client.js';
import { createServices } from '../../server/services.js';
import type { LoadedSpec } from '../../spec/loader.js';
import { openStore } from '../../store/open-store.js';
import { GoalController, type ModelEvidence } from '../controller.js';
import { formatPlan } from '../spec-diff.js';
import { renderWeekReport, type WeekIncident, type WeekPoint } from '../week-report.js';
import { actionsLine, type MarketWeekFigures, type WeekOptions, type WeekResult } from './week-result.js';
import { quantileFloorIndexSorted } from '../../util/quantiles.js';
import { goalOf, MARKET_CANDIDATE, MARKET_WEEK_SPEC_YAML, tightenedSpec, weekSpec } from './week-specs.js';

/** Options of {@link runMarketplaceWeek}. */
export interface MarketWeekOptions extends WeekOptions {
  buyers: number;
  /** Needs per 4-hour period at the daily peak. */
  demand: number;
  /** The spec text (default {@link MARKET_WEEK_SPEC_YAML}); its goals drive the controller. */
  specText?: string;
}

const PERIOD_H = 4;
const PER_DAY = 24 / PERIOD_H;
const PERIOD_MS = PERIOD_H * 3_600_000;
const STABLE = 'negotiator-small';
const CANDIDATE = MARKET_CANDIDATE;
/** The day-5 change: the daily spend target times this (0.104 → 0.064 USD in the default spec). */
const TIGHTEN = 80 / 130;
const usd = (m: number): number => Math.round(m) / 1e6;

/**
 * Runs the marketplace week; see the module comment.
 * @example
 * ```ts
 * const r = await runMarketplaceWeek({ days: 7, seed: 7, buyers: 400, demand: 800, out: '.daca/reports', log: console.log });
 * console.log(r.report, JSON.stringify(r.figures));
 * ```
 */
export async function runMarketplaceWeek(o: MarketWeekOptions): Promise<WeekResult<MarketWeekFigures>> {
  const DAYS = o.days, BUYERS = o.buyers, BASE = o.demand, SEED = o.seed;
  const text = o.specText ?? MARKET_WEEK_SPEC_YAML;
  const spec: LoadedSpec = weekSpec(text, o.specText ? '(week spec from --spec)' : '(marketplace week spec)');
  const [, trades] = goalOf(spec, 'trade_completion_rate');
  const [spendId, spend] = goalOf(spec, 'cost_per_day_usd');
  const day5 = tightenedSpec(spec, text, TIGHTEN);
  const [, spend5] = goalOf(day5.spec, 'cost_per_day_usd');
  if (!trades.scale) throw new Error('the trade_completion_rate goal needs scale: (the mediator pool)');
  const tradeTarget = trades.target, tradeWithin = trades.within ?? 600_000;
  const deferAt = (spend.defer?.at_percent ?? 95) / 100;
  /** Goal: spend at most this a day; tightened from day 5 (the operator's spec change mid-week). */
  const dailyBudget = (day: number): number => Math.round((day < 4 ? spend.target : spend5.target) * 1e6);
  const ctl = new GoalController(
    { tradeTarget, tradeWithinMs: tradeWithin, dailyBudgetMicros: dailyBudget },
    { minMediators: trades.scale.min, maxMediators: trades.scale.max, needsPerMediatorHour: trades.scale.per_agent_hour ?? 25, maxModelShare: spend.defer?.max_model_share ?? 0.2 },
  );

  const out = o.out;
  mkdirSync(out, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'daca-week-'));
  const keepAlive = setInterval(() => {}, 60_000);
  const wall0 = Date.now();
  const services = await createServices({ spec, dataDir, devKey: false, logger: pino({ level: process.env.DACA_LOG_LEVEL ?? 'silent' }) });
  const bus = await openBus({ env: {}, nats: { stream: 'DACA_WEEK', prefix: 'daca-week' } });
  try {
    // Faults and model routing sit between the market and the real gateway (the provider's side).
    const fault = { outage: false, canaryShare: 0, promoted: false };
    const live = { stable: { calls: 0, errors: 0, costMicros: 0 }, cand: { calls: 0, errors: 0, costMicros: 0 } };
    let window = { calls: 0, errors: 0 };
    const pick = rng(SEED ^ 0xca11);
    const real = services.gateway;
    const chat: Gateway['chat'] = async (call, req) => {
      const model = fault.promoted || (fault.canaryShare > 0 && pick.next() < fault.canaryShare) ? CANDIDATE : STABLE;
      const ev = model === CANDIDATE && !fault.promoted ? live.cand : live.stable;
      ev.calls++;
      window.calls++;
      if (fault.outage) {
        ev.errors++;
        window.errors++;
        throw new UpstreamUnavailableError('provider sim is down (injected outage)');
      }
      (call as { requestedModel: string }).requestedModel = model;
      return real.chat(call, { ...req, model });
    };
    const gateway = new Proxy(real, {
      get(t, p) {
        if (p === 'chat') return chat;
        const v: unknown = Reflect.get(t, p, t);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    const probeClient = new GatewayModelClient(gateway);
    const who = { tenant: 'market', team: 'compliance', agent: 'ops-controller', session: null };

    /** The offline eval of a model: negotiation prompts with known answers, through the real gateway. */
    async function evalModel(model: string): Promise<ModelEvidence> {
      const client = new GatewayModelClient(real);
      let errors = 0, cost = 0;
      const n = 20;
      for (let i = 0; i < n; i++) {
        const answer = (10 + i * 1.25).toFixed(2);
        try {
          const r = await client.chat(who, { model, max_tokens: 40, messages: [{ role: 'user', content: `Your next price? [sim:tokens=24] [sim:difficulty=0.3] [sim:answer=${answer}]` }] });
          cost += r.usage.costMicros;
          if (!r.text.includes(answer)) errors++;
        } catch {
          errors++;
        }
      }
      return { calls: n, errors, costMicros: cost / n };
    }

    const points: WeekPoint[] = [];
    const incidents: WeekIncident[] = [];
    const recoveries: number[] = [];
    let attainedAll = 0, feasibleAll = 0, costAll = 0, budgetAll = 0, spentToday = 0;
    let lostOrDoubled = 0, compliance = 0, humanApprovals = 0;
    let share = ctl.limits.maxModelShare, costPerNeedFull = 140;
    let failover: { since: number; outageAt: number; lastProbe: number; probing: boolean; saved: number } | null = null;
    let outageAt = -1;
    const canaryFrom = Math.floor((DAYS * PER_DAY) / 2); // mid-week
    let canaryPeriods = 0;
    const needsBy: number[] = [];

    for (let e = 0; e < DAYS * PER_DAY; e++) {
      const day = Math.floor(e / PER_DAY), slot = e % PER_DAY, t0 = e * PERIOD_MS;
      if (slot === 0) {
        spentToday = 0;
        if (day === 4) incidents.push({ at: t0, kind: 'budget tightened', detail: `daily budget $${usd(dailyBudget(3))} → $${usd(dailyBudget(4))} (spec change: ${formatPlan(day5.plan).split('\n').filter((l) => l.startsWith('      ')).map((l) => `goals.${spendId}.${l.trim()}`).join('; ')})`, resolution: 'controller re-planned the model share against the new budget', recoveryS: 0 });
      }
      budgetAll += dailyBudget(day) / PER_DAY;
      // Demand: a daily cycle (quiet nights, busy afternoons) with spikes.
      const hour = slot * PERIOD_H + PERIOD_H / 2;
      const cycle = 0.3 + 0.7 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI));
      const spike = e % 11 === 10 ? 2.2 : 1;
      const demand = Math.max(20, Math.round(BASE * cycle * spike));
      // Forecast: the same period yesterday, else the last period.
      const forecast = needsBy[e - PER_DAY] ?? needsBy[e - 1] ?? BASE;
      const mediators = ctl.sizeMediators(t0, Math.max(forecast, needsBy[e - 1] ?? 0) / PERIOD_H);
      share = ctl.modelShare(t0, day, spentToday, PER_DAY - slot, forecast, costPerNeedFull, share);
      const crashes = e % 13 === 9;
      const cfg = marketConfig({
        id: `week-${e}`, seed: SEED + e, buyers: BUYERS, sellers: Math.ceil(BUYERS / 2), mediators, demand, horizonMs: PERIOD_MS, modelShare: failover ? 0 : share,
        faults: { drop: 0, duplicate: 0, reorder: 0, reorderMs: 3_000, killsPerAgentHour: crashes ? 0.05 : 0.002, storeRestarts: crashes ? 1 : 0 },
      });
      if (e === canaryFrom) {
        const [s, c] = [await evalModel(STABLE), await evalModel(CANDIDATE)];
        if (ctl.evalGate(t0, CANDIDATE, s, c)) {
          fault.canaryShare = 0.1;
          ctl.record(t0, 'canary', CANDIDATE, 'canary started: 10% of negotiation model calls');
        }
      }
      let agentsSample: Record<string, number> = {};
      const m = await Market.open(cfg, {
        services: { ...services, gateway }, bus, follow: [],
        openLedgerStore: async () => {
          const s = await openStore({ databaseUrl: `sqlite:${join(dataDir, 'market.db')}`, dataDir });
          await s.migrate();
          return s;
        },
        onProgress: (mk) => {
          const now = t0 + mk.now();
          if (mk.now() % (30 * 60_000) < 60_000) agentsSample = mk.liveAgents();
          const w = window;
          window = { calls: 0, errors: 0 };
          if (!failover && w.errors >= 3 && w.errors / w.calls > 0.5) {
            failover = { since: now, outageAt, lastProbe: now, probing: false, saved: mk.cfg.modelShare };
            mk.cfg.modelShare = 0;
            ctl.record(now, 'failover', 'provider sim', `moved negotiation moves from the model to rules: ${w.errors} of ${w.calls} model calls failed in the last minute`);
          } else if (failover && !failover.probing && now - failover.lastProbe >= 5 * 60_000) {
            const f = failover;
            f.probing = true;
            f.lastProbe = now;
            probeClient.chat(who, { model: STABLE, max_tokens: 8, messages: [{ role: 'user', content: 'ping [sim:tokens=2]' }] }).then(() => {
              const at = t0 + mk.now();
              mk.cfg.modelShare = share;
              ctl.record(at, 'restore', 'provider sim', `provider answers again (probe ok); negotiation model share back to ${share}`);
              const rec = Math.round((at - f.outageAt) / 1000);
              recoveries.push(rec);
              incidents.push({ at: f.outageAt, kind: 'provider outage', detail: 'provider sim down for an hour', resolution: `failed over to rules after ${Math.round((f.since - f.outageAt) / 1000)} s; restored on a probe`, recoveryS: rec });
              failover = null;
            }, () => void (f.probing = false));
          }
          // Budget pressure inside a period: defer model work once 95% of today's budget is spent.
          if (mk.cfg.modelShare > 0 && spentToday + mk.metrics.modelMicros >= dailyBudget(day) * deferAt) {
            ctl.record(now, 'defer', 'negotiation', `deferred model negotiation to rules for the rest of the day: $${usd(spentToday + mk.metrics.modelMicros)} of $${usd(dailyBudget(day))} spent`);
            mk.cfg.modelShare = 0;
          }
        },
      });
      if (e === 2 * PER_DAY + 3) {
        m.clock.setTimer(30 * 60_000, () => void ((fault.outage = true), (outageAt = t0 + 30 * 60_000)));
        m.clock.setTimer(90 * 60_000, () => void (fault.outage = false));
      }
      const report = await m.run();
      // Goal: feasible trades completed within 10 minutes.
      let feasible = 0, attained = 0;
      for (const [need, ok] of m.metrics.feasible) {
        if (!ok) continue;
        feasible++;
        const d = m.metrics.deals.get(need);
        if (d && d.settledAt - d.postedAt <= tradeWithin) attained++;
      }
      const cost = m.metrics.modelMicros;
      if (cfg.modelShare > 0.02 && cost > 0) costPerNeedFull = cost / (demand * cfg.modelShare);
      spentToday += cost;
      costAll += cost;
      attainedAll += attained;
      feasibleAll += feasible;
      needsBy[e] = demand;
      for (const v of report.invariants.violations) {
        if (/settled|conserved|agree/.test(v.invariant)) lostOrDoubled++;
        else if (/approved|limits|negative|audited/.test(v.invariant)) compliance++;
      }
      if (m.approver === 'human') humanApprovals += report.approvals.requested;
      if (report.faults.kills > 0 && crashes) {
        const lat = m.metrics.latencies();
        const rec = Math.round(quantileFloorIndexSorted(lat, 0.99) ?? 0);
        recoveries.push(rec);
        incidents.push({ at: t0, kind: 'agent crashes', detail: `${report.faults.kills} agents killed, ${report.faults.storeRestarts} ledger store restart(s)`, resolution: `agents restarted from durable state, ${report.faults.redispatched} needs re-dispatched by the watchdog`, recoveryS: rec });
      }
      if (fault.canaryShare > 0 && !fault.promoted) {
        canaryPeriods++;
        const verdict = ctl.judgeCanary(t0 + PERIOD_MS, CANDIDATE, live.stable, live.cand, 20);
        if (verdict === 'promote') fault.promoted = true;
        if (verdict !== 'wait' || canaryPeriods >= 4) fault.canaryShare = 0;
        if (verdict === 'wait' && canaryPeriods >= 4) ctl.record(t0 + PERIOD_MS, 'rollback', CANDIDATE, 'rolled back: not enough canary evidence after 4 periods');
      }
      const attainment = feasible ? attained / feasible : 1;
      if (attainment < tradeTarget && e > 0) ctl.record(t0 + PERIOD_MS, 'alert', 'trades', `period below target: ${(attainment * 100).toFixed(1)}% of ${feasible} feasible trades within ${tradeWithin / 60_000} min (recovering automatically)`);
      points.push({ hour: (e + 1) * PERIOD_H, attainment, costMicros: cost, budgetMicros: dailyBudget(day) / PER_DAY, needs: demand, agents: agentsSample });
      o.log(`day ${day + 1} ${String(slot * PERIOD_H).padStart(2, '0')}:00  needs ${String(demand).padStart(4)}  mediators ${String(mediators).padStart(2)}  share ${cfg.modelShare.toFixed(3)}  deals ${String(report.figures.deals).padStart(4)}  in-time ${(attainment * 100).toFixed(1)}%  cost $${usd(cost).toFixed(4)}  wall ${((Date.now() - wall0) / 1000).toFixed(0)} s`);
      await m.close();
    }

    await services.recorder.flush();
    const ledger = await auditOf(services);
    await ledger.flush();
    const verified = await verifyLedger(ledger.db, ledger.signer);
    const wall = (Date.now() - wall0) / 1000;
    recoveries.sort((a, b) => a - b);
    const figures: MarketWeekFigures = {
      sim_days: DAYS,
      wall_s: Math.round(wall * 10) / 10,
      human_interventions: ctl.humanRequests + humanApprovals,
      goal_attainment: Math.round((feasibleAll ? attainedAll / feasibleAll : 1) * 10_000) / 10_000,
      cost_usd: usd(costAll),
      budget_usd: usd(budgetAll),
      compliance_violations: compliance,
      audit_verified: verified.ok,
      lost_or_doubled_deals: lostOrDoubled,
      recoveries: recoveries.length,
      recovery_p50_s: quantileFloorIndexSorted(recoveries, 0.5) ?? 0,
    };
    const file = join(out, `week-${new Date(wall0).toISOString().replace(/[:.]/g, '-')}.html`);
    writeFileSync(file, renderWeekReport({ title: `daca: the autonomous week (${DAYS} simulated days)`, summary: { ...figures, audit_records: verified.records }, points, actions: ctl.actions, incidents }));
    o.log(actionsLine(ctl.actions, incidents));
    return { figures, report: file, actions: ctl.actions, incidents };
  } finally {
    await bus.close();
    await services.close();
    clearInterval(keepAlive);
  }
}
