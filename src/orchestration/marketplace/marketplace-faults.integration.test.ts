/**
 * The small marketplace (100 / 50 / 10) under faults, with settlement as a durable step on a real
 * restate-server (spawned from npm by the node's runtime; fails, never skips, when it cannot
 * start): messages dropped, duplicated and reordered, agents killed mid-negotiation, the ledger's
 * store closed twice, and restate-server killed with SIGKILL twice while a settlement step is
 * running and started again. The runtime reconnects, interrupted steps are re-run by Restate and
 * answered `duplicate` by the ledger, and the invariants hold: no deadlock, feasible needs served,
 * money and goods conserved, each deal settled exactly once.
 */
import { describe, expect, it } from 'vitest';
import type { DurableSettlementStats } from './durable-settlement.js';
import { faultsAt, marketConfig } from './market-config.js';
import type { MarketReport } from './market-report.js';
import { runMarket } from './run-market.js';

describe('marketplace 100 / 50 / 10 under faults', () => {
  it('keeps its invariants under dropped, duplicated and reordered messages, killed agents, store restarts and kill -9 of restate-server', async () => {
    let durable: DurableSettlementStats | null = null;
    let pid0 = 0;
    let pid1 = 0;
    const { report, market } = await runMarket(
      marketConfig({ buyers: 100, sellers: 50, mediators: 10, id: `f-${Math.random().toString(36).slice(2, 8)}`, durableSettlement: true, faults: { ...faultsAt(0.05), restateRestarts: 2, restateDownMs: 1_000 } }),
      {
        onOpen: (_m, s) => void (pid0 = s.runtime.restateServer?.pid ?? 0),
        inspect: async (m, s) => {
          durable = { ...m.durable!.stats };
          pid1 = s.runtime.restateServer?.pid ?? 0;
        },
      },
    );
    printFaultReport(report, durable!);
    const f = report.figures;
    const d = durable!;
    expect(report.faults.dropped).toBeGreaterThan(50);
    expect(report.faults.duplicated).toBeGreaterThan(50);
    expect(report.faults.delayed).toBeGreaterThan(50);
    expect(report.faults.kills).toBeGreaterThan(5);
    expect(report.faults.storeRestarts).toBe(2);
    // restate-server really died twice (a new process each time) while settlement steps ran.
    expect(report.faults.restateRestarts).toBe(2);
    expect(d.restarts).toBe(2);
    expect(pid0).toBeGreaterThan(0);
    expect(pid1).not.toBe(pid0);
    expect(d.killedDuring.length).toBeGreaterThanOrEqual(2);
    // Interrupted steps were re-run by Restate and found their deal settled; settlements went on after the restarts.
    expect(d.stepDuplicates).toBeGreaterThanOrEqual(1);
    expect(d.afterRestart).toBeGreaterThan(20);
    for (const deal of d.killedDuring) expect(market.metrics.deals.has(deal)).toBe(true);
    expect(d.calls).toBeGreaterThanOrEqual(f.deals);
    // The invariants: conservation, exactly-once settlement, approvals, prices, audit, no deadlock.
    expect(report.invariants.violations).toEqual([]);
    expect(f.invariant_violations).toBe(0);
    expect(f.deadlocks).toBe(0);
    expect(f.deals).toBe(report.served);
    expect(f.feasible_served).toBeGreaterThanOrEqual(0.99);
  }, 240_000);
});

function printFaultReport(r: MarketReport, d: DurableSettlementStats): void {
  console.log(
    `faults: ${JSON.stringify(r.faults)}\ndurable settlement on restate-server: ${JSON.stringify(d)}\n` +
      `invariants: ${r.invariants.checks} checks of [${r.invariants.checked.join(', ')}], ${r.invariants.violations.length} violations\nfigures: ${JSON.stringify(r.figures)}`,
  );
}
