/**
 * bench:week — the autonomous week: the marketplace (src/orchestration) run for seven simulated
 * days on its injected clock, in 4-hour periods, on one daca node, with daily demand cycles and
 * spikes, a one-hour provider outage, bursts of agent crashes, a model release mid-week (eval gate,
 * canary, promotion or rollback on evidence) and a budget that tightens on day 5. The goal
 * controller (src/ops/controller.ts) keeps "complete 95% of feasible trades within 10 minutes" and
 * "spend at most $X a day" with no person involved, and records every action with its reason.
 *
 * `npm run bench:week [-- --days 7 --buyers 400 --demand 800 --out <dir>]` writes an HTML report (path
 * printed; default .daca/reports) and ends with one JSON line:
 * `{"sim_days","wall_s","human_interventions","goal_attainment","cost_usd","budget_usd",
 *   "compliance_violations","audit_verified","lost_or_doubled_deals","recoveries","recovery_p50_s"}`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { openBus } from '../src/bus/open-bus.js';
import { auditOf } from '../src/compliance/node-audit.js';
import { verifyLedger } from '../src/compliance/verify-ledger.js';
import { UpstreamUnavailableError } from '../src/errors.js';
import type { Gateway } from '../src/gateway/gateway.js';
import { GoalController, type ModelEvidence } from '../src/ops/controller.js';
import { renderWeekReport, type WeekIncident, type WeekPoint } from '../src/ops/week-report.js';
import { marketConfig } from '../src/orchestration/marketplace/market-config.js';
import { MARKET_SPEC_YAML } from '../src/orchestration/marketplace/market-spec.js';
import { Market } from '../src/orchestration/marketplace/market.js';
import { rng } from '../src/orchestration/rng.js';
import { GatewayModelClient } from '../src/runtime/model-client.js';
import { createServices } from '../src/server/services.js';
import { parseSpecText } from '../src/spec/loader.js';
import { openStore } from '../src/store/open-store.js';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '7' },
    buyers: { type: 'string', default: '400' },
    demand: { type: 'string', default: '800' },
    out: { type: 'string' },
    seed: { type: 'string', default: '7' },
  },
  allowPositionals: true,
});
const DAYS = Number(values.days);
const BUYERS = Number(values.buyers);
const BASE = Number(values.demand); // needs per 4-hour period at the daily peak
const SEED = Number(values.seed);
const PERIOD_H = 4;
const PER_DAY = 24 / PERIOD_H;
const PERIOD_MS = PERIOD_H * 3_600_000;
const STABLE = 'negotiator-small';
const CANDIDATE = 'negotiator-small-v2';
const usd = (m: number): number => Math.round(m) / 1e6;

// The week's spec: the market spec with the model release's candidate and per-agent budgets sized for a week.
const specText = MARKET_SPEC_YAML
  .replace('aliases:', `  ${CANDIDATE}: { provider: sim, capability: 0.78, price: { input: 0.10, output: 0.40 } }\naliases:`)
  .replace('limit_usd: 0.0001 }', 'limit_usd: 0.02 }')
  .replace('limit_usd: 0.0002 }', 'limit_usd: 0.04 }');
const spec = parseSpecText(specText, '(week spec)', {});
/** Goal: spend at most this a day; tightened from day 5 (the operator's spec change mid-week). */
const dailyBudget = (day: number): number => BASE * (day < 4 ? 130 : 80);
const ctl = new GoalController(
  { tradeTarget: 0.95, tradeWithinMs: 600_000, dailyBudgetMicros: dailyBudget },
  { minMediators: 6, maxMediators: 60, needsPerMediatorHour: 25, maxModelShare: 0.2 },
);

const out = resolve(values.out ?? join('.daca', 'reports'));
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'daca-week-'));
const keepAlive = setInterval(() => {}, 60_000);
const wall0 = Date.now();
const services = await createServices({ spec, dataDir, devKey: false, logger: pino({ level: process.env.DACA_LOG_LEVEL ?? 'silent' }) });
const bus = await openBus({ env: {}, nats: { stream: 'DACA_WEEK', prefix: 'daca-week' } });

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
let share = 0.2, costPerNeedFull = 140;
let failover: { since: number; outageAt: number; lastProbe: number; probing: boolean; saved: number } | null = null;
let outageAt = -1;
const canaryFrom = Math.floor((DAYS * PER_DAY) / 2); // mid-week
let canaryPeriods = 0;
const needsBy: number[] = [];

for (let e = 0; e < DAYS * PER_DAY; e++) {
  const day = Math.floor(e / PER_DAY), slot = e % PER_DAY, t0 = e * PERIOD_MS;
  if (slot === 0) {
    spentToday = 0;
    if (day === 4) incidents.push({ at: t0, kind: 'budget tightened', detail: `daily budget $${usd(dailyBudget(3))} → $${usd(dailyBudget(4))} (spec change)`, resolution: 'controller re-planned the model share against the new budget', recoveryS: 0 });
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
      if (mk.cfg.modelShare > 0 && spentToday + mk.metrics.modelMicros >= dailyBudget(day) * 0.95) {
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
    if (d && d.settledAt - d.postedAt <= 600_000) attained++;
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
    const rec = lat.length ? Math.round(lat[Math.floor(lat.length * 0.99)] ?? 0) : 0;
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
  if (attainment < 0.95 && e > 0) ctl.record(t0 + PERIOD_MS, 'alert', 'trades', `period below target: ${(attainment * 100).toFixed(1)}% of ${feasible} feasible trades within 10 min (recovering automatically)`);
  points.push({ hour: (e + 1) * PERIOD_H, attainment, costMicros: cost, budgetMicros: dailyBudget(day) / PER_DAY, needs: demand, agents: agentsSample });
  console.log(`day ${day + 1} ${String(slot * PERIOD_H).padStart(2, '0')}:00  needs ${String(demand).padStart(4)}  mediators ${String(mediators).padStart(2)}  share ${cfg.modelShare.toFixed(3)}  deals ${String(report.figures.deals).padStart(4)}  in-time ${(attainment * 100).toFixed(1)}%  cost $${usd(cost).toFixed(4)}  wall ${((Date.now() - wall0) / 1000).toFixed(0)} s`);
  await m.close();
}

await services.recorder.flush();
const ledger = await auditOf(services);
await ledger.flush();
const verified = await verifyLedger(ledger.db, ledger.signer);
const wall = (Date.now() - wall0) / 1000;
recoveries.sort((a, b) => a - b);
const figures = {
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
  recovery_p50_s: recoveries.length ? recoveries[Math.floor(recoveries.length / 2)]! : 0,
};
const file = join(out, `week-${new Date(wall0).toISOString().replace(/[:.]/g, '-')}.html`);
writeFileSync(file, renderWeekReport({ title: `daca: the autonomous week (${DAYS} simulated days)`, summary: { ...figures, audit_records: verified.records }, points, actions: ctl.actions, incidents }));
console.log(`actions: ${ctl.actions.length} (${[...new Set(ctl.actions.map((a) => a.kind))].join(', ')}); incidents: ${incidents.length}`);
console.log(`report: ${file}`);
await bus.close();
await services.close();
clearInterval(keepAlive);
console.log(JSON.stringify(figures));
process.exit(0);
