/**
 * The marketplace's parameters (counts, demand, prices, model share, faults) with defaults; the
 * CLI flags and the benchmark map onto these.
 */

/** Fault injection rates (probabilities per message, kills per agent per simulated hour). */
export interface MarketFaults {
  /** A message between agents is lost. */
  drop: number;
  /** A message is delivered twice. */
  duplicate: number;
  /** A message is delayed by up to `reorderMs` (so later ones overtake it). */
  reorder: number;
  reorderMs: number;
  /** Expected kills per agent per simulated hour (crash: in-memory state and mailbox lost). */
  killsPerAgentHour: number;
  /** Times the durable store is closed and reopened during the run. */
  storeRestarts: number;
  /** Times restate-server is killed (SIGKILL) and restarted mid-market (needs `durableSettlement`). */
  restateRestarts?: number;
  /** How long restate-server stays down, wall ms (default 1,000). */
  restateDownMs?: number;
}

/** Everything a market run is made of. */
export interface MarketConfig {
  /** Market id (ledger rows are keyed by it). */
  id: string;
  seed: number;
  buyers: number;
  sellers: number;
  mediators: number;
  /** SKUs traded. */
  skus: number;
  /** Needs posted over the run (the fixed simulated demand). */
  demand: number;
  /** Needs arrive uniformly over this simulated time, ms. */
  horizonMs: number;
  /** Share of negotiation moves made by a model call through the gateway. */
  modelShare: number;
  /** Rounds of alternating offers before both sides reach their limits. */
  rounds: number;
  /** Negotiations one mediator runs at once. */
  mediatorCapacity: number;
  /** Message latency between agents, ms (simulated). */
  latencyMs: number;
  /** A negotiation (hold → agreement) is abandoned after this, ms. */
  negotiationTimeoutMs: number;
  /** A need unattended this long is starving, ms. */
  starvationMs: number;
  /** How long a buyer gives a need (min, max), ms. */
  deadlineMs: [number, number];
  faults: MarketFaults;
  /** Who decides approvals: the policy agent, or people (`daca approvals`; the clock then runs paced). */
  approver: 'policy' | 'human';
  /** Simulated ms per wall ms when paced (human approvals). */
  pace: number;
  /** Settle each deal as a durable step on Restate (see durable-settlement.ts); default: one ledger transaction in-process. */
  durableSettlement?: boolean;
}

/** No faults. */
export const NO_FAULTS: MarketFaults = { drop: 0, duplicate: 0, reorder: 0, reorderMs: 3_000, killsPerAgentHour: 0, storeRestarts: 0 };

/** Faults at one overall rate (`--fault-rate`). */
export function faultsAt(rate: number): MarketFaults {
  if (rate <= 0) return { ...NO_FAULTS };
  return { drop: rate, duplicate: rate, reorder: rate, reorderMs: 3_000, killsPerAgentHour: rate * 2, storeRestarts: 2 };
}

/**
 * The 1,000 / 500 / 100 market with 3 needs per buyer over a simulated hour.
 * @example
 * ```ts
 * const cfg = marketConfig({ buyers: 100, sellers: 50, mediators: 10 });
 * ```
 */
export function marketConfig(over: Partial<MarketConfig> = {}): MarketConfig {
  const buyers = over.buyers ?? 1000;
  return {
    id: over.id ?? `market-${Date.now().toString(36)}`,
    seed: 7,
    buyers,
    sellers: 500,
    mediators: 100,
    skus: 40,
    demand: buyers * 3,
    horizonMs: 3_600_000,
    modelShare: 0.2,
    rounds: 6,
    mediatorCapacity: 8,
    latencyMs: 40,
    negotiationTimeoutMs: 60_000,
    starvationMs: 180_000,
    deadlineMs: [300_000, 1_200_000],
    faults: { ...NO_FAULTS },
    approver: 'policy',
    pace: 60,
    ...over,
  };
}
