/**
 * The market's bookkeeping during a run (deals, latencies, feasibility, model spend, messages,
 * faults, a time series for the dashboard) and the report computed from it at the end.
 */
import { jainIndex } from '../fairness/jain.js';

/** One point of the time series (every simulated minute). */
export interface MarketSample {
  /** Simulated time, ms. */
  t: number;
  /** Deals settled so far. */
  deals: number;
  /** Mean unit price / reference price of the deals of the last minute (1 = at reference). */
  priceIndex: number | null;
  /** Needs waiting in mediator queues. */
  queued: number;
  /** Negotiations and settlements in progress. */
  active: number;
  /** Live agents per type. */
  live: Record<string, number>;
  /** Model spend so far, micro-dollars. */
  modelMicros: number;
}

/** A settled deal as the metrics keep it. */
export interface SettledDeal {
  deal: string;
  buyer: string;
  seller: string;
  sku: string;
  qty: number;
  amount: number;
  rounds: number;
  postedAt: number;
  settledAt: number;
}

/** See the module comment. */
export class MarketMetrics {
  readonly deals = new Map<string, SettledDeal>();
  readonly feasible = new Map<string, boolean>();
  readonly needBuyer = new Map<string, string>();
  readonly postedAt = new Map<string, number>();
  readonly expired = new Set<string>();
  readonly samples: MarketSample[] = [];
  readonly modelByAgent = new Map<string, number>();
  readonly queueDepths = new Map<string, number>();
  modelCalls = 0;
  modelMoves = 0;
  modelFallbacks = 0;
  budgetRefusals = 0;
  modelMicros = 0;
  messages = 0;
  dropped = 0;
  duplicated = 0;
  delayed = 0;
  kills = 0;
  storeRestarts = 0;
  restateRestarts = 0;
  transientErrors = 0;
  approvalsRequested = 0;
  approvalsApproved = 0;
  approvalsRejected = 0;
  audited = 0;
  deadlocksDetected = 0;
  deadlocksResolved = 0;
  redispatched = 0;
  starvedChecks = 0;
  peakRss = 0;
  private lastSampleDeals: SettledDeal[] = [];

  /** Notes a settlement (once per deal). */
  settled(d: SettledDeal): boolean {
    if (this.deals.has(d.deal)) return false;
    this.deals.set(d.deal, d);
    this.lastSampleDeals.push(d);
    return true;
  }

  /** Records a model call's spend for `agent`. */
  model(agent: string, micros: number): void {
    this.modelCalls++;
    this.modelMicros += micros;
    this.modelByAgent.set(agent, (this.modelByAgent.get(agent) ?? 0) + micros);
  }

  /** Takes a sample of the time series. */
  sample(t: number, live: Record<string, number>, active: number, ref: ReadonlyMap<string, number>): void {
    let q = 0;
    for (const n of this.queueDepths.values()) q += n;
    let idx = 0;
    for (const d of this.lastSampleDeals) idx += d.amount / d.qty / (ref.get(d.sku) ?? d.amount / d.qty);
    const priceIndex = this.lastSampleDeals.length ? Math.round((idx / this.lastSampleDeals.length) * 1000) / 1000 : null;
    this.lastSampleDeals = [];
    this.samples.push({ t, deals: this.deals.size, priceIndex, queued: q, active, live, modelMicros: this.modelMicros });
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
  }

  /** Latencies (post → settlement) of settled deals, seconds, sorted. */
  latencies(): number[] {
    return [...this.deals.values()].map((d) => (d.settledAt - d.postedAt) / 1000).sort((a, b) => a - b);
  }

  /** Share of feasible needs that were served. */
  feasibleServed(): { feasible: number; served: number; ratio: number } {
    let feasible = 0;
    let served = 0;
    for (const [need, ok] of this.feasible) {
      if (!ok) continue;
      feasible++;
      if (this.deals.has(need)) served++;
    }
    return { feasible, served, ratio: feasible ? served / feasible : 1 };
  }

  /** Jain's index of buyers' service (served / feasible needs, per buyer with feasible needs). */
  buyerFairness(): number {
    const f = new Map<string, [number, number]>();
    for (const [need, ok] of this.feasible) {
      if (!ok) continue;
      const b = this.needBuyer.get(need)!;
      const e = f.get(b) ?? [0, 0];
      e[0]++;
      if (this.deals.has(need)) e[1]++;
      f.set(b, e);
    }
    return jainIndex([...f.values()].map(([n, s]) => s / n));
  }
}
