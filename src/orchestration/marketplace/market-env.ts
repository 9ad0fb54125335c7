/**
 * What marketplace agents see of their world: the clock, messaging, the durable ledger, the
 * listing board, compliance, model moves and the market's bookkeeping. The engine (market.ts)
 * implements it; agents only depend on this interface.
 */
import type { AgentContext } from '../../runtime/define-agent.js';
import type { JsonValue } from '../../runtime/types.js';
import type { MarketConfig } from './market-config.js';
import type { MarketLedger, SettleResult } from './market-ledger.js';
import type { MarketMsg, NeedInfo } from './messages.js';
import type { Scenario } from './scenario.js';
import type { SellerDirectory } from './seller-directory.js';

/** A request for one model-made negotiation move. */
export interface ModelMoveRequest {
  side: 'buyer' | 'seller';
  deal: string;
  round: number;
  rounds: number;
  /** The counterpart's last price, the party's own limit and the rule-based move, micro-dollars. */
  theirs: number | null;
  limit: number;
  rule: number;
}

/** See the module comment. */
export interface MarketEnv {
  readonly cfg: MarketConfig;
  readonly scenario: Scenario;
  readonly ledger: MarketLedger;
  readonly directory: SellerDirectory;
  /** Simulated now, ms. */
  now(): number;
  /** Sends a protocol message between agents (`buyer-3` → `seller-9`), with latency and faults. */
  send(from: string, to: string, m: MarketMsg): void;
  /** Publishes a need on the bus (`market.needs.<sku>`), for mediators. */
  publishNeed(need: NeedInfo): void;
  /** Announces a seller's listings on the bus (`market.listings.<sku>`). */
  announce(seller: string, listings: { sku: string; stock: number; reserve: number; ask: number }[]): void;
  /** A new attempt number (unique in the run). */
  nextAttempt(): number;
  /** A stable uniform number for these parts (seeded). */
  rand(...parts: (string | number)[]): number;
  /** A mediator made progress on a need (the watchdog re-dispatches needs that go quiet). */
  touch(need: string): void;
  /** A mediator's queue length changed. */
  queueDepth(mediator: string, n: number): void;
  /** The need got a mediator's attention (starvation tracking). */
  attended(need: NeedInfo): void;
  /** Records a step of a deal's history. */
  log(deal: string, kind: string, by: string, detail?: { [k: string]: JsonValue }): void;
  /** A model-made price (through the gateway, metered to `ctx`'s agent), or null to use the rule. */
  modelMove(ctx: AgentContext<unknown>, req: ModelMoveRequest): Promise<number | null>;
  /** The settlement compliance rule from the spec: null (allowed) or the reason an approval is needed. */
  approvalNeeded(mediator: string, amount: number, qty: number): string | null;
  /** Files an approval for a deal; returns its id. */
  requestApproval(mediator: string, deal: string, attempt: number, reason: string, summary: string): Promise<string>;
  /** Who decides approvals. */
  readonly approver: 'policy' | 'human';
  /** Decides an approval as the policy agent (idempotent); returns the final status. */
  decideApproval(approvalId: string, approve: boolean, note: string): Promise<{ approved: boolean; by: string; note: string }>;
  /** Appends a deal or approval decision to the audit ledger. */
  audit(kind: 'deal' | 'approval', deal: string, actor: string, facts: { [k: string]: JsonValue }, summary: string, approved: boolean): void;
  /** Settles a committed deal exactly once (the ledger, or a durable step on Restate); throws when it cannot now. */
  settleDeal(deal: string, attempt: number, at: number): Promise<SettleResult>;
  /** A deal settled (bookkeeping, once per deal). */
  settled(d: { deal: string; buyer: string; seller: string; mediator: string; sku: string; qty: number; amount: number; rounds: number }): void;
  /** A need expired unserved. */
  expired(need: string): void;
  /** A durable step failed for a transient reason (the store is down): counted, then retried. */
  transient(e: unknown): void;
}
