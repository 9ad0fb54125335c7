/**
 * The autonomous week of a support desk (support-desk.ts) on one daca node: tickets arrive in
 * daily cycles with spikes, support agents draft answers through the real gateway (sim provider),
 * and the goal controller keeps the spec's goals (week-specs.ts) — resolution p95 within 2 hours,
 * 95% satisfied customers, a daily spend target — with no person involved: it spawns and reaps
 * agents against the forecast and the queue, raises and lowers concurrency when the agent limit
 * is reached, downgrades drafting to the cheaper model under budget pressure (and back at the next
 * day), fails over to the backup provider during an outage and back on a probe, and takes a new
 * model version through an eval gate and a canary. Faults: a one-hour provider outage on day 3,
 * agent crashes, demand spikes, and the day-5 spec change that tightens the spend goal.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { auditOf } from '../../compliance/node-audit.js';
import { verifyLedger } from '../../compliance/verify-ledger.js';
import { SimClock } from '../../orchestration/clock.js';
import { rng } from '../../orchestration/rng.js';
import { GatewayModelClient } from '../../runtime/model-client.js';
import { createServices } from '../../server/services.js';
import { GoalController, type ModelEvidence } from '../controller.js';
import { formatPlan } from '../spec-diff.js';
import { renderWeekReport, type WeekIncident, type WeekPoint } from '../week-report.js';
import { quantileFloorIndexSorted, quantileNearestRank } from '../../util/quantiles.js';
import { SupportDesk, type Draft, type Ticket } from './support-desk.js';
import { actionsLine, type WeekOptions, type WeekResult } from './week-result.js';
import { goalOf, SUPPORT_WEEK_SPEC_YAML, tightenedSpec, weekSpec } from './week-specs.js';

/** The figures of a support week. */
export interface SupportWeekFigures {
  sim_days: number;
  wall_s: number;
  tickets: number;
  resolved: number;
  resolution_p95_s: number;
  resolved_within_target: number;
  satisfaction: number;
  goal_attainment: number;
  cost_usd: number;
  budget_usd: number;
  /** Days whose spend went past the day's spend target. */
  days_over_spend_target: number;
  human_interventions: number;
  audit_verified: boolean;
  recoveries: number;
  recovery_p50_s: number;
}

/** Options of {@link runSupportWeek}. */
export interface SupportWeekOptions extends WeekOptions {
  /** Tickets per hour at the daily peak. */
  peak: number;
  /** The spec text (default {@link SUPPORT_WEEK_SPEC_YAML}). */
  specText?: string;
}

const HOUR = 3_600_000;
const PERIOD_H = 4;
const CANDIDATE = 'support-small-v2';
const usd = (m: number): number => Math.round(m) / 1e6;
const p95 = (xs: number[]): number => quantileNearestRank(xs, 0.95) ?? 0;

/**
 * Runs the support week; see the module comment.
 * @example
 * ```ts
 * const r = await runSupportWeek({ days: 7, seed: 7, peak: 40, out: '.daca/reports', log: console.log });
 * ```
 */
export async function runSupportWeek(o: SupportWeekOptions): Promise<WeekResult<SupportWeekFigures>> {
  const text = o.specText ?? SUPPORT_WEEK_SPEC_YAML;
  const spec = weekSpec(text, o.specText ? '(week spec from --spec)' : '(support week spec)');
  const [resId, res] = goalOf(spec, 'ticket_resolution_p95_s');
  const [satId, sat] = goalOf(spec, 'satisfaction_rate');
  const [spendId, spend] = goalOf(spec, 'cost_per_day_usd');
  const day5 = tightenedSpec(spec, text, 0.6);
  const [, spend5] = goalOf(day5.spec, 'cost_per_day_usd');
  if (!res.scale) throw new Error(`goals.${resId} needs scale: (the support agents)`);
  const scale = res.scale, conc = res.concurrency ?? { min: 1, max: 1 };
  const primary = spec.spec.aliases.support ?? 'support-large';
  const backup = spec.spec.models[primary]?.fallbacks?.[0] ?? null;
  let smallModel = spend.downgrade?.to ?? primary;
  const dailyBudget = (day: number): number => Math.round((day < 4 ? spend.target : spend5.target) * 1e6);
  const ctl = new GoalController({ tradeTarget: sat.target, tradeWithinMs: res.target * 1000, dailyBudgetMicros: dailyBudget }, { minMediators: scale.min, maxMediators: scale.max, needsPerMediatorHour: scale.per_agent_hour ?? 2, maxModelShare: 1 });

  mkdirSync(o.out, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'daca-support-week-'));
  const wall0 = Date.now();
  const keepAlive = setInterval(() => {}, 60_000); // the simulated clock waits on nothing the event loop sees
  const services = await createServices({ spec, dataDir, devKey: false, logger: pino({ level: process.env.DACA_LOG_LEVEL ?? 'silent' }) });
  try {
    const clock = new SimClock(0);
    const r = rng(o.seed);
    const client = new GatewayModelClient(services.gateway);
    const who = { tenant: 'helpdesk', team: 'desk', agent: 'support-agent', session: null };
    const state = { outage: false, failover: false, downgraded: false, canary: 0, promoted: false, spentToday: 0 };
    const live = { stable: { calls: 0, errors: 0, costMicros: 0 }, cand: { calls: 0, errors: 0, costMicros: 0 } };
    const recent: { at: number; ok: boolean }[] = [];
    const incidents: WeekIncident[] = [];
    const recoveries: number[] = [];
    let outageAt = -1;

    const call = async (model: string, content: string, answer: string): Promise<Draft> => {
      if (state.outage && spec.spec.models[model]?.provider === 'sim') return { ok: false, correct: false, costMicros: 0, model };
      try {
        const a = await client.chat(who, { model, max_tokens: 400, messages: [{ role: 'user', content: `${content} [sim:tokens=300] [sim:answer=${answer}]` }] });
        return { ok: true, correct: a.text.includes(answer), costMicros: a.usage.costMicros, model };
      } catch {
        return { ok: false, correct: false, costMicros: 0, model };
      }
    };
    const draft = (t: Ticket, escalated: boolean): Promise<Draft> => {
      let model = state.failover && backup ? backup : escalated ? primary : state.downgraded ? smallModel : primary;
      if (!escalated && !state.failover && state.canary > 0 && r.next() < state.canary) model = CANDIDATE;
      return call(model, `Resolve support ticket #${t.id} (attempt ${t.attempts}). [sim:difficulty=${t.difficulty.toFixed(3)}]`, `RESOLUTION-${t.id}`);
    };
    const asked = new Set<number>();
    const daySpend: number[] = [];
    const desk: SupportDesk = new SupportDesk({
      clock, rng: r, draft,
      onDraft: (d) => {
        const now = clock.now();
        state.spentToday += d.costMicros;
        const d0 = Math.floor(now / (24 * HOUR));
        daySpend[d0] = (daySpend[d0] ?? 0) + d.costMicros;
        recent.push({ at: now, ok: d.ok });
        while (recent.length && recent[0]!.at < now - 10 * 60_000) recent.shift();
        if (d.ok && state.canary > 0) {
          const ev = d.model === CANDIDATE ? live.cand : live.stable;
          ev.calls++;
          if (!d.correct) ev.errors++;
        }
        const day = Math.floor(now / (24 * HOUR));
        const at = (dailyBudget(day) * (spend.downgrade?.at_percent ?? 80)) / 100;
        if (!state.downgraded && spend.actions.includes('downgrade_model') && state.spentToday >= at) {
          state.downgraded = true;
          ctl.record(now, 'downgrade', smallModel, `moved drafting from ${primary} to ${smallModel} for the rest of the day: $${usd(state.spentToday)} of $${usd(dailyBudget(day))} spent today (${spend.downgrade?.at_percent ?? 80}% threshold)`);
        }
        if (state.spentToday >= dailyBudget(day) && !asked.has(day)) {
          asked.add(day);
          ctl.askHuman(now, spendId, `the day's spend $${usd(state.spentToday)} reached its target $${usd(dailyBudget(day))} with drafting already downgraded`);
        }
        const fails = recent.filter((x) => !x.ok).length;
        if (!state.failover && backup && res.actions.includes('failover') && fails >= 3 && fails / recent.length > 0.5) {
          state.failover = true;
          const since = now;
          ctl.record(now, 'failover', backup, `moved drafting to ${backup}: ${fails} of ${recent.length} drafts failed in the last 10 minutes (provider of ${primary} down)`);
          const probe = async (): Promise<void> => {
            const p = await call(primary, 'ping', 'PONG');
            const t = clock.now();
            if (!p.ok) return void clock.setTimer(5 * 60_000, probe);
            state.failover = false;
            ctl.record(t, 'restore', primary, `${primary} answers again (probe ok): drafting moved back from ${backup}`);
            const rec = Math.round((t - outageAt) / 1000);
            recoveries.push(rec);
            incidents.push({ at: outageAt, kind: 'provider outage', detail: `provider sim down for an hour`, resolution: `failed over to ${backup} after ${Math.round((since - outageAt) / 1000)} s; restored on a probe`, recoveryS: rec });
          };
          clock.setTimer(5 * 60_000, probe);
        }
      },
    });

    // Arrivals: a daily cycle (quiet nights, busy afternoons) with spikes, ticket by ticket.
    const arrivals: number[] = [];
    const hours = o.days * 24;
    for (let h = 0; h < hours; h++) {
      const hod = h % 24;
      const cycle = 0.12 + 0.88 * Math.max(0, Math.sin(((hod - 7) / 24) * 2 * Math.PI));
      const spike = (h % 37 === 12 || h % 37 === 13) ? 2.6 : 1;
      const n = Math.max(0, Math.round(o.peak * cycle * spike * (0.85 + r.next() * 0.3)));
      arrivals[h] = n;
      for (let i = 0; i < n; i++) clock.setTimer(h * HOUR + r.next() * HOUR, () => void desk.open(0.15 + 0.6 * r.next() ** 2));
    }

    // Faults: the provider down for an hour on day 3; agents crashing on days 2, 4 and 6.
    if (o.days >= 3) {
      clock.setTimer(2 * 24 * HOUR + 10.5 * HOUR, () => void ((state.outage = true), (outageAt = clock.now())));
      clock.setTimer(2 * 24 * HOUR + 11.5 * HOUR, () => void (state.outage = false));
    }
    for (const at of [0.6, 1.45, 3.6, 5.5].map((d) => d * 24 * HOUR).filter((t) => t < hours * HOUR)) {
      clock.setTimer(at, () => {
        const k = Math.max(1, Math.floor(desk.agentCount * 0.3));
        const lost = new Set(desk.crash(k));
        const t0 = clock.now();
        desk.setAgents(desk.agentCount + k);
        ctl.record(t0, 'spawn', 'support-agent', `spawned ${k} support agents: ${k} crashed; their ${lost.size} tickets went back to the queue`);
        const watch = (): void => {
          if ([...lost].every((id) => desk.resolved.some((x) => x.id === id))) {
            const rec = Math.round((clock.now() - t0) / 1000);
            recoveries.push(rec);
            incidents.push({ at: t0, kind: 'agent crashes', detail: `${k} support agents crashed with ${lost.size} tickets in hand`, resolution: 'agents respawned at once; the tickets were taken up again from the queue', recoveryS: rec });
          } else clock.setTimer(60_000, watch);
        };
        clock.setTimer(60_000, watch);
      });
    }

    // The controller: every hour it sizes the desk from the forecast and the queue.
    let agents = scale.min;
    desk.setAgents(agents);
    const perAgent = (c: number): number => ((scale.per_agent_hour ?? 2) * c) / (1 + 0.3 * (c - 1));
    const control = (h: number): void => {
      const now = clock.now();
      const day = Math.floor(h / 24);
      if (h % 24 === 0 && h > 0) {
        state.spentToday = 0;
        if (state.downgraded) {
          state.downgraded = false;
          ctl.record(now, 'upgrade', primary, `a new day's budget: drafting back on ${primary}`);
        }
        if (day === 4) incidents.push({ at: now, kind: 'budget tightened', detail: `daily spend target $${usd(dailyBudget(3))} → $${usd(dailyBudget(4))} (spec change: ${formatPlan(day5.plan).split('\n').filter((l) => l.startsWith('      ')).map((l) => `goals.${spendId}.${l.trim()}`).join('; ')})`, resolution: 'controller downgrades drafting earlier against the new target', recoveryS: 0 });
      }
      const forecast = Math.max(arrivals[h - 24] ?? 0, arrivals[h - 1] ?? 0, h === 0 ? arrivals[0] ?? 0 : 0);
      const load = (forecast + desk.queueDepth / 2) * 1.25;
      if (res.actions.includes('concurrency')) {
        if (load > scale.max * perAgent(desk.concurrency) && desk.concurrency < conc.max) {
          ctl.record(now, 'concurrency', 'support-agent', `raised concurrency ${desk.concurrency} → ${desk.concurrency + 1} tickets per agent: ${Math.round(load)} tickets/h of load against ${Math.round(scale.max * perAgent(desk.concurrency))} tickets/h at the limit of ${scale.max} agents`);
          desk.concurrency++;
        } else if (desk.concurrency > conc.min && load < scale.max * perAgent(desk.concurrency - 1) * 0.6) {
          ctl.record(now, 'concurrency', 'support-agent', `lowered concurrency ${desk.concurrency} → ${desk.concurrency - 1} tickets per agent: ${Math.round(load)} tickets/h fits ${scale.max} agents at ${desk.concurrency - 1}`);
          desk.concurrency--;
        }
      }
      const want = Math.min(scale.max, Math.max(scale.min, Math.ceil(load / perAgent(desk.concurrency))));
      const have = desk.agentCount;
      if (want > have) ctl.record(now, 'spawn', 'support-agent', `spawned ${want - have} support agents (${have} → ${want}): queue depth ${desk.queueDepth} and ${forecast} tickets/h forecast against ${Math.round(have * perAgent(desk.concurrency))} tickets/h of capacity`);
      else if (want < have) ctl.record(now, 'reap', 'support-agent', `reaped ${have - want} idle support agents (${have} → ${want}): ${forecast} tickets/h forecast and queue depth ${desk.queueDepth} need ${Math.round(want * perAgent(desk.concurrency))} tickets/h of capacity`);
      agents = want;
      desk.setAgents(want);
    };
    for (let h = 0; h < hours; h++) clock.setTimer(h * HOUR, () => control(h));

    // The model release mid-week: eval gate, then a canary on 10% of first drafts.
    const evalModel = async (model: string): Promise<ModelEvidence> => {
      let errors = 0, cost = 0;
      for (let i = 0; i < 20; i++) {
        const d = await call(model, `Eval ticket ${i}. [sim:difficulty=0.3]`, `EVAL-${i}`);
        cost += d.costMicros;
        if (!d.ok || !d.correct) errors++;
      }
      return { calls: 20, errors, costMicros: cost / 20 };
    };
    const mid = Math.floor(hours / 2);
    let canaryPeriods = 0;
    clock.setTimer(mid * HOUR, async () => {
      if (ctl.evalGate(clock.now(), CANDIDATE, await evalModel(smallModel), await evalModel(CANDIDATE))) {
        state.canary = 0.1;
        ctl.record(clock.now(), 'canary', CANDIDATE, 'canary started: 10% of first drafts');
      }
    });

    // Periods: measure the goals, judge the canary, report.
    const points: WeekPoint[] = [];
    let costBefore = 0, resolvedBefore = 0, periodsMet = 0, budgetAll = 0;
    const periods = Math.ceil(hours / PERIOD_H);
    const opened = (from: number, to: number): number => arrivals.slice(from, to).reduce((a, b) => a + b, 0);
    for (let e = 0; e < periods; e++) {
      await clock.run((e + 1) * PERIOD_H * HOUR);
      const t1 = clock.now();
      const day = Math.floor((e * PERIOD_H) / 24);
      const done = desk.resolved.slice(resolvedBefore);
      resolvedBefore = desk.resolved.length;
      const secs = done.map((x) => (x.resolvedAt - x.openedAt) / 1000);
      const within = done.length ? secs.filter((s) => s <= res.target).length / done.length : 1;
      // Each goal is measured over its own window (resolution: 4 h, satisfaction: 24 h in the default spec).
      const since = (w: number) => desk.resolved.filter((x) => x.resolvedAt > t1 - w);
      const inSat = since(sat.window);
      const satisfied = inSat.length ? inSat.filter((x) => x.satisfied).length / inSat.length : 1;
      const periodP95 = p95(since(res.window).map((x) => (x.resolvedAt - x.openedAt) / 1000));
      const met = periodP95 <= res.target && satisfied >= sat.target;
      if (met) periodsMet++;
      else if (e > 0) ctl.record(t1, 'alert', periodP95 > res.target ? resId : satId, `period below target: p95 ${Math.round(periodP95)} s (target ${res.target} s), ${(satisfied * 100).toFixed(1)}% satisfied (recovering automatically)`);
      if (state.canary > 0 && !state.promoted && clock.now() > mid * HOUR) {
        canaryPeriods++;
        const v = ctl.judgeCanary(t1, CANDIDATE, live.stable, live.cand, 40);
        if (v === 'promote') (state.promoted = true), (smallModel = CANDIDATE);
        if (v !== 'wait' || canaryPeriods >= 4) state.canary = 0;
        if (v === 'wait' && canaryPeriods >= 4) ctl.record(t1, 'rollback', CANDIDATE, 'rolled back: not enough canary evidence after 4 periods');
      }
      const cost = desk.costMicros - costBefore;
      costBefore = desk.costMicros;
      budgetAll += dailyBudget(day) / (24 / PERIOD_H);
      points.push({ hour: (e + 1) * PERIOD_H, attainment: within, costMicros: cost, budgetMicros: dailyBudget(day) / (24 / PERIOD_H), needs: opened(e * PERIOD_H, (e + 1) * PERIOD_H), agents: { 'support-agent': desk.agentCount } });
      o.log(`day ${day + 1} ${String((e * PERIOD_H) % 24).padStart(2, '0')}:00  tickets ${String(opened(e * PERIOD_H, (e + 1) * PERIOD_H)).padStart(4)}  agents ${String(desk.agentCount).padStart(2)}  conc ${desk.concurrency}  model ${state.failover && backup ? backup : state.downgraded ? smallModel : primary}  resolved ${String(done.length).padStart(4)}  p95 ${String(Math.round(periodP95)).padStart(5)} s  satisfied/${sat.window / 3_600_000}h ${(satisfied * 100).toFixed(1)}%  cost $${usd(cost).toFixed(4)}  wall ${((Date.now() - wall0) / 1000).toFixed(0)} s`);
    }

    await services.recorder.flush();
    const ledger = await auditOf(services);
    await ledger.flush();
    const verified = await verifyLedger(ledger.db, ledger.signer);
    const all = desk.resolved.map((x) => (x.resolvedAt - x.openedAt) / 1000);
    recoveries.sort((a, b) => a - b);
    const figures: SupportWeekFigures = {
      sim_days: o.days,
      wall_s: Math.round(((Date.now() - wall0) / 1000) * 10) / 10,
      tickets: opened(0, hours),
      resolved: desk.resolved.length,
      resolution_p95_s: Math.round(p95(all)),
      resolved_within_target: Math.round((all.length ? all.filter((s) => s <= res.target).length / all.length : 1) * 10_000) / 10_000,
      satisfaction: Math.round((desk.resolved.length ? desk.resolved.filter((x) => x.satisfied).length / desk.resolved.length : 1) * 10_000) / 10_000,
      goal_attainment: Math.round((periodsMet / periods) * 10_000) / 10_000,
      cost_usd: usd(desk.costMicros),
      budget_usd: usd(budgetAll),
      days_over_spend_target: daySpend.filter((m, d) => m > dailyBudget(d)).length,
      human_interventions: ctl.humanRequests,
      audit_verified: verified.ok,
      recoveries: recoveries.length,
      recovery_p50_s: quantileFloorIndexSorted(recoveries, 0.5) ?? 0,
    };
    const file = join(o.out, `support-week-${new Date(wall0).toISOString().replace(/[:.]/g, '-')}.html`);
    writeFileSync(file, renderWeekReport({
      title: `daca: the support desk's autonomous week (${o.days} simulated days)`,
      summary: { ...figures, [`goal ${resId}`]: `p95 ≤ ${res.target} s`, [`goal ${satId}`]: `≥ ${sat.target * 100}% satisfied`, [`goal ${spendId}`]: `≤ $${spend.target}/day, $${spend5.target} from day 5`, audit_records: verified.records },
      points, actions: ctl.actions, incidents,
      labels: { attainment: `Tickets resolved within ${res.target / 3600} h, per period`, target: 0.95, demand: 'Demand: tickets opened per period' },
    }));
    o.log(actionsLine(ctl.actions, incidents));
    return { figures, report: file, actions: ctl.actions, incidents };
  } finally {
    await services.close();
    clearInterval(keepAlive);
  }
}
