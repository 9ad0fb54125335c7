/**
 * The orchestration capability's public surface: the agent pool and its lifecycle, clocks,
 * fairness, safety (deadlocks, starvation), coordination patterns, conflict resolution, and the
 * marketplace.
 */
export { AgentPool, MemoryStateStore, type AgentPoolOptions, type AgentStateStore, type LifecyclePolicy, type AgentTypeStats } from './agent-pool.js';
export { RealClock, SimClock, type Clock, type ClockTimer } from './clock.js';
export { rng, uniform, type Rng } from './rng.js';
export { jainIndex } from './fairness/jain.js';
export { weightedMaxMin, drf, type Claim, type DrfClaim, type DrfAllocation } from './fairness/allocation.js';
export { AgingQueue } from './fairness/aging-queue.js';
export { FairScheduler, type FairSchedulerOptions, type FairLease, type FairSchedulerStats, type ResourceFairness } from './fairness/fair-scheduler.js';
export { FairModelClient, estimateTokens } from './fairness/fair-model-client.js';
export { OrchestrationSpecSchema, type OrchestrationSpec } from './orchestration-spec.js';
export { DeclaredPatterns, type DeclaredPattern, type AuctionRun } from './declared/declared-patterns.js';
export { ProtocolHost, type PartyBounds } from './declared/protocol-host.js';
export { WaitForGraph, type WaitEdge, type Deadlock } from './safety/wait-for-graph.js';
export { StarvationDetector, type Starving } from './safety/starvation.js';
export { priceAt, buyerAccepts, sellerAccepts, clampMove, STRATEGIES, type Concession } from './negotiation/concession.js';
export { callAgent, replyData, refName, type AgentRef, type CallOutcome } from './patterns/agent-call.js';
export { Hierarchy, type HierarchyOptions, type HierarchyReport, type HierarchyTask, type HierarchyEvent, type EscalationDecision } from './patterns/hierarchy.js';
export { ContractNet, ContractStore, type Contract, type Cfp, type ContractNetOutcome } from './patterns/contract-net.js';
export { negotiate, concessionAgent, type NegotiationOptions, type NegotiationOutcome, type Move } from './patterns/negotiation.js';
export { CapabilityBoard, announceCapability, publishNeed, type Capability, type Need, type Match } from './patterns/capability-board.js';
export { WorkerGroup, type WorkerGroupOptions, type WorkerGroupStats } from './patterns/worker-group.js';
export { sealedBid, vickrey, DoubleAuction, type Bid, type AuctionResult, type Order, type Trade } from './patterns/auctions.js';
export { majority, weightedVote, rankedChoice, type Ballot, type VoteResult } from './patterns/voting.js';
export { resolveByVote, escalate, arbitrate, type Authority, type Dispute, type ResolveOptions } from './patterns/resolution.js';
export { resolutionLog, type Resolution, type ResolutionLog, type AuditAppender } from './patterns/resolution-record.js';
export { PATTERN_DEMOS } from './patterns/demos.js';
export { Market, type MarketDeps, type MarketServices, type MarketSnapshot } from './marketplace/market.js';
export { marketConfig, faultsAt, NO_FAULTS, type MarketConfig, type MarketFaults } from './marketplace/market-config.js';
export { runMarket, type RunMarketOptions, type MarketRun } from './marketplace/run-market.js';
export { formatReport, type MarketReport, type MarketFigures } from './marketplace/market-report.js';
export { formatHistory, type DealEvent } from './marketplace/deal-log.js';
export { MARKET_SPEC_YAML, loadMarketSpec } from './marketplace/market-spec.js';
