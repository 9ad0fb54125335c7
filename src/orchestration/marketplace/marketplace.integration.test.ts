/**
 * The small marketplace with its needs and listings on real NATS JetStream (DACA_NATS_URL,
 * default nats://127.0.0.1:4222; fails, never skips, when NATS is unreachable), under faults.
 */
import { describe, expect, it } from 'vitest';
import { faultsAt, marketConfig } from './market-config.js';
import { runMarket } from './run-market.js';

const NATS = process.env.DACA_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('marketplace on NATS JetStream', () => {
  it('trades with its invariants holding when the bus is NATS', async () => {
    const { report } = await runMarket(marketConfig({ buyers: 60, sellers: 30, mediators: 6, id: `nats-${Date.now().toString(36)}`, faults: faultsAt(0.03) }), { natsUrl: NATS });
    expect(report.invariants.violations).toEqual([]);
    expect(report.figures.deals).toBeGreaterThan(100);
    expect(report.figures.feasible_served).toBeGreaterThanOrEqual(0.97);
    expect(report.figures.deadlocks).toBe(0);
  }, 180_000);
});
