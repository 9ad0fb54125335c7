/**
 * The market's safety invariants, checked during the run (every 5 simulated minutes) and at the
 * end, from the durable facts of the ledger and the engine's records:
 * money and goods are conserved, no balance goes negative, every deal is settled exactly once
 * with its committed terms, every deal above the approval limit was approved, every served need
 * has its settlement, every settlement is within both parties' limits, and (at the end) every
 * settled deal was audited and no deadlock is left in the wait-for graph.
 */
import type { WaitForGraph } from '../safety/wait-for-graph.js';
import type { MarketLedger } from './market-ledger.js';
import type { MarketMetrics } from './market-metrics.js';
import type { Scenario } from './scenario.js';

/** What the checks read of a running market (the `Market` is one). */
export interface InvariantSubject {
  readonly ledger: Pick<MarketLedger, 'check'>;
  readonly opening: Record<string, number>;
  readonly scenario: Pick<Scenario, 'listings' | 'needs'>;
  readonly metrics: Pick<MarketMetrics, 'deals' | 'audited'>;
  readonly waits: Pick<WaitForGraph, 'deadlocks'>;
  now(): number;
}

/** One broken invariant. */
export interface Violation {
  invariant: string;
  detail: string;
}

/** The result of one check. */
export interface InvariantReport {
  /** Simulated time of the check, ms. */
  at: number;
  final: boolean;
  checked: string[];
  violations: Violation[];
}

/** Checks every invariant of `m`. */
export async function checkInvariants(m: InvariantSubject, final: boolean): Promise<InvariantReport> {
  const c = await m.ledger.check();
  const v: Violation[] = [];
  const checked = ['money conserved', 'goods conserved', 'no negative balance', 'settled exactly once', 'large deals approved', 'served needs settled', 'within limits'];
  for (const [asset, total] of Object.entries(m.opening)) {
    const now = c.totals[asset] ?? 0;
    if (now !== total) v.push({ invariant: asset === 'usd' ? 'money conserved' : 'goods conserved', detail: `${asset}: ${total} at opening, ${now} now` });
  }
  for (const asset of Object.keys(c.totals)) if (!(asset in m.opening)) v.push({ invariant: 'goods conserved', detail: `${asset} appeared from nowhere` });
  if (c.negativeAccounts) v.push({ invariant: 'no negative balance', detail: `${c.negativeAccounts} accounts below zero` });
  if (c.settlements !== c.settledDeals || c.mismatchedSettlements)
    v.push({ invariant: 'settled exactly once', detail: `${c.settlements} settlements for ${c.settledDeals} settled deals, ${c.mismatchedSettlements} not matching their deal` });
  if (c.unapprovedLarge) v.push({ invariant: 'large deals approved', detail: `${c.unapprovedLarge} deals above the limit settled without approval` });
  if (c.servedWithoutSettlement) v.push({ invariant: 'served needs settled', detail: `${c.servedWithoutSettlement} needs marked served without a settlement` });
  const reserve = new Map(m.scenario.listings.map((l) => [`${l.seller}/${l.sku}`, l.reserveMicros]));
  const limit = new Map(m.scenario.needs.map((n) => [n.id, n.limitMicros]));
  let outside = 0;
  for (const d of m.metrics.deals.values()) {
    const unit = d.amount / d.qty;
    if (unit < (reserve.get(`${d.seller}/${d.sku}`) ?? 0) || unit > (limit.get(d.deal) ?? Infinity)) outside++;
  }
  if (outside) v.push({ invariant: 'within limits', detail: `${outside} deals outside the seller's reserve or the buyer's limit` });
  if (final) {
    checked.push('every deal audited', 'no deadlock left', 'engine and ledger agree');
    if (m.metrics.audited !== m.metrics.deals.size) v.push({ invariant: 'every deal audited', detail: `${m.metrics.deals.size} deals, ${m.metrics.audited} audit records` });
    const left = m.waits.deadlocks();
    if (left.length) v.push({ invariant: 'no deadlock left', detail: `${left.length} cycles in the wait-for graph at the end` });
    if (m.metrics.deals.size !== c.settledDeals) v.push({ invariant: 'engine and ledger agree', detail: `engine saw ${m.metrics.deals.size} settlements, the ledger has ${c.settledDeals}` });
  }
  return { at: m.now(), final, checked, violations: v };
}
