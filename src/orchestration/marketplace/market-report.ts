/**
 * The report of a market run: the benchmark's figures (one JSON line) and the details behind them
 * (fairness per resource, faults, approvals, invariant checks).
 */
import { quantileNearestRankSorted } from '../../util/quantiles.js';
import { jainIndex } from '../fairness/jain.js';
import type { InvariantReport, Violation } from './invariants.js';
import type { AgentPool } from '../agent-pool.js';
import type { StarvationDetector } from '../safety/starvation.js';
import type { WaitForGraph } from '../safety/wait-for-graph.js';
import type { MarketMetrics } from './market-metrics.js';
import type { SellerDirectory } from './seller-directory.js';

/** What the report reads of a finished market (the `Market` is one). */
export interface ReportSubject {
  readonly metrics: MarketMetrics;
  readonly directory: Pick<SellerDirectory, 'all'>;
  readonly waits: Pick<WaitForGraph, 'deadlocks'>;
  readonly starvation: Pick<StarvationDetector, 'starved'>;
  readonly agentCount: number;
  poolStats(): ReturnType<AgentPool['stats']>;
  now(): number;
}

/** The benchmark line (DESIGN: bench:marketplace). */
export interface MarketFigures {
  agents: number;
  deals: number;
  deals_per_s: number;
  deal_p50_s: number;
  deal_p99_s: number;
  feasible_served: number;
  jain_fairness: number;
  deadlocks: number;
  starved: number;
  invariant_violations: number;
  model_cost_usd: number;
  cost_per_deal_usd: number;
  peak_rss_mb: number;
}

/** The whole report. */
export interface MarketReport {
  figures: MarketFigures;
  needs: number;
  feasible: number;
  served: number;
  expired: number;
  simSeconds: number;
  wallSeconds: number;
  /** Jain's index per resource: buyers' service, sellers' sales (share of stock), model spend per agent that called a model. */
  fairness: { buyers_served: number; seller_sales: number; model_spend: number };
  model: { calls: number; moves: number; fallbacks: number; budgetRefusals: number; meteredMicros: number };
  approvals: { requested: number; approved: number; rejected: number };
  faults: { messages: number; dropped: number; duplicated: number; delayed: number; kills: number; storeRestarts: number; transientErrors: number; redispatched: number; restateRestarts: number };
  deadlocks: { detected: number; resolved: number; left: number };
  starvedAgents: string[];
  invariants: { checks: number; checked: string[]; violations: Violation[] };
  agentsByType: Record<string, { turns: number; activations: number; kills: number }>;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Builds the report of a finished run. */
export async function buildReport(m: ReportSubject, final: InvariantReport, during: readonly InvariantReport[], wallMs: number): Promise<MarketReport> {
  const mt = m.metrics;
  const lat = mt.latencies();
  const fs = mt.feasibleServed();
  const sales = m.directory.all().map((l) => l.sold / Math.max(1, l.initial));
  const spend = [...mt.modelByAgent.values()];
  const violations = [...during.flatMap((r) => r.violations), ...final.violations];
  const deadlocksLeft = m.waits.deadlocks().length;
  const metered = mt.modelMicros;
  const deals = mt.deals.size;
  const stats = m.poolStats();
  const figures: MarketFigures = {
    agents: m.agentCount,
    deals,
    deals_per_s: r3(deals / Math.max(0.001, wallMs / 1000)),
    deal_p50_s: r3(quantileNearestRankSorted(lat, 0.5) ?? 0),
    deal_p99_s: r3(quantileNearestRankSorted(lat, 0.99) ?? 0),
    feasible_served: r3(fs.ratio),
    jain_fairness: r3(mt.buyerFairness()),
    deadlocks: deadlocksLeft + (mt.deadlocksDetected - mt.deadlocksResolved),
    starved: m.starvation.starved.size,
    invariant_violations: violations.length,
    model_cost_usd: Math.round(metered) / 1e6,
    cost_per_deal_usd: deals ? Math.round(metered / deals) / 1e6 : 0,
    peak_rss_mb: Math.round(Math.max(mt.peakRss, process.memoryUsage().rss) / 1048576),
  };
  return {
    figures,
    needs: mt.feasible.size,
    feasible: fs.feasible,
    served: fs.served,
    expired: mt.expired.size,
    simSeconds: Math.round(m.now() / 1000),
    wallSeconds: r3(wallMs / 1000),
    fairness: { buyers_served: figures.jain_fairness, seller_sales: r3(jainIndex(sales)), model_spend: r3(jainIndex(spend)) },
    model: { calls: mt.modelCalls, moves: mt.modelMoves, fallbacks: mt.modelFallbacks, budgetRefusals: mt.budgetRefusals, meteredMicros: metered },
    approvals: { requested: mt.approvalsRequested, approved: mt.approvalsApproved, rejected: mt.approvalsRejected },
    faults: { messages: mt.messages, dropped: mt.dropped, duplicated: mt.duplicated, delayed: mt.delayed, kills: mt.kills, storeRestarts: mt.storeRestarts, transientErrors: mt.transientErrors, redispatched: mt.redispatched, restateRestarts: mt.restateRestarts },
    deadlocks: { detected: mt.deadlocksDetected, resolved: mt.deadlocksResolved, left: deadlocksLeft },
    starvedAgents: [...m.starvation.starved.keys()],
    invariants: { checks: during.length + 1, checked: final.checked, violations },
    agentsByType: Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, { turns: s.turns, activations: s.activations, kills: s.kills }])),
  };
}

/** The report as a table for people. */
export function formatReport(r: MarketReport): string {
  const f = r.figures;
  const rows: [string, string][] = [
    ['agents', String(f.agents)],
    ['needs (feasible / served / expired)', `${r.needs} (${r.feasible} / ${r.served} / ${r.expired})`],
    ['deals', `${f.deals} in ${r.wallSeconds} s wall, ${r.simSeconds} s simulated (${f.deals_per_s}/s)`],
    ['deal latency p50 / p99 (simulated)', `${f.deal_p50_s} s / ${f.deal_p99_s} s`],
    ['feasible needs served', `${(f.feasible_served * 100).toFixed(2)} %`],
    ["Jain's index buyers / sellers / model spend", `${r.fairness.buyers_served} / ${r.fairness.seller_sales} / ${r.fairness.model_spend}`],
    ['model calls (moves, fallbacks, budget refusals)', `${r.model.calls} (${r.model.moves}, ${r.model.fallbacks}, ${r.model.budgetRefusals})`],
    ['model cost / per deal', `$${f.model_cost_usd.toFixed(4)} / $${f.cost_per_deal_usd.toFixed(6)}`],
    ['approvals requested / approved / rejected', `${r.approvals.requested} / ${r.approvals.approved} / ${r.approvals.rejected}`],
    ['messages (dropped, duplicated, delayed)', `${r.faults.messages} (${r.faults.dropped}, ${r.faults.duplicated}, ${r.faults.delayed})`],
    ['agent kills / store restarts / restate-server restarts / transient errors', `${r.faults.kills} / ${r.faults.storeRestarts} / ${r.faults.restateRestarts} / ${r.faults.transientErrors}`],
    ['needs re-dispatched by the watchdog', String(r.faults.redispatched)],
    ['deadlocks detected / resolved / left', `${r.deadlocks.detected} / ${r.deadlocks.resolved} / ${r.deadlocks.left}`],
    ['starved agents', String(f.starved)],
    ['invariant checks / violations', `${r.invariants.checks} / ${r.invariants.violations.length}`],
    ['peak RSS', `${f.peak_rss_mb} MiB`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  for (const v of r.invariants.violations.slice(0, 10)) lines.push(`  VIOLATION ${v.invariant}: ${v.detail}`);
  return lines.join('\n');
}
