/**
 * The marketplace engine: builds the world (scenario, opening balances on the ledger), hosts the
 * buyer, seller, mediator and policy agents in an `AgentPool` on a simulated clock, and runs the
 * market to its end: needs posted as they arrive and the watchdog (need-book.ts), messages with
 * latency and injected drops, duplicates, reordering (message-carrier.ts), needs and listings on
 * the bus (market-bus.ts), approvals and audit (market-compliance.ts), model-made moves
 * (model-move.ts), agent kills and store restarts (fault-injector.ts), the deadlock and starvation
 * detectors, the invariant checks, and the report. It is the `MarketEnv` agents see.
 *
 * Durable (ledger on the Store, idempotency keys): opening balances, the need book, commitments,
 * approvals, settlements; plus the audit ledger. Cheap (memory, bus): offers, counter-offers,
 * holds, queues, listings. See docs/orchestration.md for why.
 */
import type { Bus } from '../../bus/types.js';
import { auditOf } from '../../compliance/node-audit.js';
import type { Gateway } from '../../gateway/gateway.js';
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { ToolPolicy } from '../../guardrails/tools/tool-policy.js';
import type { UsageRecorder } from '../../metering/usage-recorder.js';
import type { AgentRuntime } from '../../runtime/agent-runtime.js';
import type { AgentContext } from '../../runtime/define-agent.js';
import { GatewayModelClient } from '../../runtime/model-client.js';
import type { JsonValue } from '../../runtime/types.js';
import type { LoadedSpec } from '../../spec/loader.js';
import type { Store } from '../../store/types.js';
import { AgentPool } from '../agent-pool.js';
import { SimClock } from '../clock.js';
import { rng, uniform } from '../rng.js';
import { StarvationDetector } from '../safety/starvation.js';
import { WaitForGraph } from '../safety/wait-for-graph.js';
import { buyerAgent } from './agents/buyer.js';
import { mediatorAgent } from './agents/mediator.js';
import { policyAgent } from './agents/policy.js';
import { sellerAgent } from './agents/seller.js';
import { DealLog } from './deal-log.js';
import { FaultInjector } from './fault-injector.js';
import { checkInvariants, type InvariantReport } from './invariants.js';
import type { MarketConfig } from './market-config.js';
import type { MarketEnv, ModelMoveRequest } from './market-env.js';
import { DurableSettlement } from './durable-settlement.js';
import { MarketBus } from './market-bus.js';
import { MarketCompliance } from './market-compliance.js';
import { MarketLedger, USD, type SettleResult } from './market-ledger.js';
import { MarketMetrics } from './market-metrics.js';
import { approvalThresholdMicros } from './market-spec.js';
import { MessageCarrier } from './message-carrier.js';
import { addressOf, wrap, type MarketMsg, type NeedInfo } from './messages.js';
import { modelMove } from './model-move.js';
import { NeedBook } from './need-book.js';
import { buildReport, type MarketReport } from './market-report.js';
import { generateScenario, type Scenario } from './scenario.js';
import { SellerDirectory } from './seller-directory.js';

/** The parts of a daca node the market uses (a node's `Services` fits). */
export interface MarketServices {
  gateway: Gateway;
  engines: { approvals: ApprovalService; tools: ToolPolicy };
  store: Store;
  dataDir: string;
  spec: LoadedSpec;
  recorder: UsageRecorder;
  /** The node's runtime: durable settlement runs on its Restate (`cfg.durableSettlement`). */
  runtime?: AgentRuntime;
}

/** What a market needs besides its config. */
export interface MarketDeps {
  services: MarketServices;
  /** The bus needs and listings travel on. */
  bus: Bus;
  /** Opens the store the ledger writes to (called again after an injected restart). */
  openLedgerStore: () => Promise<Store>;
  /** Deals whose history to keep (default: all). */
  follow?: string[];
  /** Progress callback (every simulated minute). */
  onProgress?: (m: Market) => void;
}

/** Live figures (the dashboard polls them). */
export interface MarketSnapshot {
  id: string;
  running: boolean;
  simMs: number;
  wallMs: number;
  needsPosted: number;
  deals: number;
  expired: number;
  live: Record<string, number>;
  queued: number;
  modelMicros: number;
  samples: MarketMetrics['samples'];
  report: MarketReport | null;
}

/** See the module comment. */
export class Market implements MarketEnv {
  readonly scenario: Scenario;
  readonly directory = new SellerDirectory();
  readonly metrics = new MarketMetrics();
  readonly deals: DealLog;
  readonly waits = new WaitForGraph();
  readonly starvation: StarvationDetector;
  readonly clock: SimClock;
  readonly approver: 'policy' | 'human';
  ledger!: MarketLedger;
  private pool!: AgentPool;
  private compliance!: MarketCompliance;
  private ledgerStore!: Store;
  /** Settlement on Restate, when `cfg.durableSettlement`. */
  durable: DurableSettlement | null = null;
  private readonly carrier: MessageCarrier;
  private readonly bus: MarketBus;
  private readonly needs: NeedBook;
  private readonly faults: FaultInjector;
  private attempts = 0;
  private readonly ref: Map<string, number>;
  private readonly threshold: number;
  private wall0 = 0;
  private running = false;
  private finished: MarketReport | null = null;
  private invariantRuns: InvariantReport[] = [];
  private initialTotals: Record<string, number> = {};

  private constructor(readonly cfg: MarketConfig, private readonly deps: MarketDeps) {
    this.scenario = generateScenario(cfg);
    this.deals = new DealLog(deps.follow ? { follow: new Set(deps.follow) } : {});
    this.starvation = new StarvationDetector(cfg.starvationMs);
    this.approver = cfg.approver;
    // With people deciding approvals, simulated time runs paced to the wall clock.
    this.clock = new SimClock(0, cfg.approver === 'human' ? { pace: cfg.pace } : {});
    this.ref = new Map(this.scenario.skus.map((s) => [s.id, s.refMicros]));
    this.threshold = approvalThresholdMicros(deps.services.spec.spec);
    // Message faults and mediator dispatch draw from one seeded stream.
    const faultRng = rng(cfg.seed ^ 0x5eed);
    const { clock, metrics, starvation } = this;
    this.carrier = new MessageCarrier({ cfg, clock, metrics, waits: this.waits, rng: faultRng, deliver: (type, id, m) => this.pool.tell(type, id, m) });
    this.bus = new MarketBus(deps.bus, cfg.id, clock);
    this.needs = new NeedBook({
      env: this, clock, metrics, starvation, rng: faultRng,
      tell: (to, m) => {
        const a = addressOf(to);
        this.pool.tell(a.type, a.id, wrap(m));
      },
    });
    this.faults = new FaultInjector({
      cfg, clock, metrics,
      kill: (type, id) => this.pool.kill(type, id),
      closeStore: () => this.ledgerStore.close(),
      reopenStore: async () => {
        this.ledgerStore = await this.deps.openLedgerStore();
        this.ledger.reconnect(this.ledgerStore);
      },
      transient: (e) => this.transient(e),
    });
  }

  /** Builds a market: ledger with opening balances, agents, bus subscriptions. */
  static async open(cfg: MarketConfig, deps: MarketDeps): Promise<Market> {
    const m = new Market(cfg, deps);
    await m.init();
    return m;
  }

  private async init(): Promise<void> {
    const s = this.deps.services;
    this.ledgerStore = await this.deps.openLedgerStore();
    this.ledger = new MarketLedger(this.ledgerStore, this.cfg.id, { approvalAboveMicros: this.threshold });
    const rows: { account: string; asset: string; amount: number }[] = [];
    for (const [b, cash] of Object.entries(this.scenario.budgets)) {
      rows.push({ account: b, asset: USD, amount: cash });
      this.needs.fund(b, cash);
    }
    for (const l of this.scenario.listings) rows.push({ account: l.seller, asset: l.sku, amount: l.stock });
    for (let i = 0; i < this.cfg.sellers; i++) rows.push({ account: `seller-${i}`, asset: USD, amount: 0 });
    await this.ledger.open(rows);
    this.initialTotals = await this.ledger.totals();
    if (this.cfg.durableSettlement) {
      if (!s.runtime) throw new Error('durable settlement needs the node\'s agent runtime (MarketServices.runtime)');
      this.durable = await DurableSettlement.start(s.runtime, this.cfg.id, this.ledger, (p) => this.clock.track(p));
    }
    this.compliance = new MarketCompliance({ env: this, engines: s.engines, audits: await auditOf(s), metrics: this.metrics });
    this.pool = new AgentPool({ models: new GatewayModelClient(s.gateway), clock: this.clock, tenant: 'market' });
    this.pool.register(buyerAgent(this), { team: 'buyers' });
    this.pool.register(sellerAgent(this), { team: 'sellers' });
    this.pool.register(mediatorAgent(this), { team: 'mediators' });
    this.pool.register(policyAgent(this), { team: 'compliance' });
    await this.bus.listen({ need: (n) => this.needs.dispatch(n), listing: (l) => this.directory.announce(l) });
  }

  /** Runs the market to the end of its demand; returns the report. */
  async run(): Promise<MarketReport> {
    this.running = true;
    this.wall0 = Date.now();
    const c = this.clock;
    // Sellers come to market first (spawn: catalogue, listings on the bus).
    for (let i = 0; i < this.cfg.sellers; i++) this.pool.tell('seller', String(i), wrap({ t: 'wake' }));
    for (let i = 0; i < this.cfg.mediators; i++) this.pool.tell('mediator', String(i), wrap({ t: 'wake' }));
    this.pool.tell('policy', '0', wrap({ t: 'wake' }));
    for (const n of this.scenario.needs) c.setTimer(n.at + 1_000, () => this.needs.post(n));
    const end = (this.scenario.needs.at(-1)?.deadline ?? 0) + 5 * 60_000;
    const every = (ms: number, fn: () => unknown): void => {
      const tick = async (): Promise<void> => {
        await fn();
        if (c.now() < end) c.setTimer(ms, tick);
      };
      c.setTimer(ms, tick);
    };
    every(60_000, () => this.sampleNow());
    every(30_000, () => this.needs.watchdog());
    every(10_000, () => this.detectDeadlocks());
    every(300_000, async () => void this.invariantRuns.push(await this.checkNow(false)));
    if (this.approver === 'human') every(5_000, () => this.compliance.relayHumanDecisions());
    this.faults.schedule(end, this.scenario.needs.length, this.durable);
    await c.run(end);
    await this.pool.whenIdle();
    this.sampleNow();
    const final = await this.checkNow(true);
    this.running = false;
    this.finished = await buildReport(this, final, this.invariantRuns, Date.now() - this.wall0);
    return this.finished;
  }

  /** Live figures. */
  snapshot(): MarketSnapshot {
    let q = 0;
    for (const n of this.metrics.queueDepths.values()) q += n;
    return {
      id: this.cfg.id, running: this.running, simMs: this.clock.now(), wallMs: this.wall0 ? Date.now() - this.wall0 : 0,
      needsPosted: this.metrics.feasible.size, deals: this.metrics.deals.size, expired: this.metrics.expired.size,
      live: this.liveAgents(), queued: q, modelMicros: this.metrics.modelMicros, samples: this.metrics.samples, report: this.finished,
    };
  }

  /** Live agents per type. */
  liveAgents(): Record<string, number> {
    return { buyer: this.pool.live('buyer'), seller: this.pool.live('seller'), mediator: this.pool.live('mediator'), policy: this.pool.live('policy') };
  }

  /** Agent instances that took part. */
  get agentCount(): number {
    return this.cfg.buyers + this.cfg.sellers + this.cfg.mediators + 1;
  }

  /** Pool counters per type. */
  poolStats(): ReturnType<AgentPool['stats']> {
    return this.pool.stats();
  }

  /** Initial totals per asset (for conservation). */
  get opening(): Record<string, number> {
    return this.initialTotals;
  }

  /** Releases subscriptions and the ledger's store. */
  async close(): Promise<void> {
    this.clock.stop();
    await this.bus.close();
    this.durable?.close();
    await this.ledgerStore.close().catch(() => {});
  }

  // ── MarketEnv ──────────────────────────────────────────────────────────────

  /** @inheritDoc */
  now(): number {
    return this.clock.now();
  }

  /** @inheritDoc */
  rand(...parts: (string | number)[]): number {
    return uniform(this.cfg.seed, ...parts);
  }

  /** @inheritDoc */
  nextAttempt(): number {
    return ++this.attempts;
  }

  /** @inheritDoc */
  send(from: string, to: string, m: MarketMsg): void {
    this.carrier.send(from, to, m);
  }

  /** @inheritDoc */
  publishNeed(need: NeedInfo): void {
    this.bus.publishNeed(need, `${need.id}:${this.metrics.redispatched}:${this.clock.now()}`);
  }

  /** @inheritDoc */
  announce(seller: string, listings: { sku: string; stock: number; reserve: number; ask: number }[]): void {
    this.bus.announce(seller, listings);
  }

  /** @inheritDoc */
  touch(need: string): void {
    this.needs.touch(need);
  }

  /** @inheritDoc */
  queueDepth(mediator: string, n: number): void {
    this.metrics.queueDepths.set(mediator, n);
  }

  /** @inheritDoc */
  attended(need: NeedInfo): void {
    this.starvation.served(need.buyer, need.id);
  }

  /** @inheritDoc */
  log(deal: string, kind: string, by: string, detail?: { [k: string]: JsonValue }): void {
    this.deals.add(deal, detail ? { at: this.clock.now(), kind, by, detail } : { at: this.clock.now(), kind, by });
  }

  /** @inheritDoc */
  modelMove(ctx: AgentContext<unknown>, req: ModelMoveRequest): Promise<number | null> {
    return modelMove(this.cfg, this.metrics, ctx, req);
  }

  /** @inheritDoc */
  approvalNeeded(mediator: string, amount: number, qty: number): string | null {
    return this.compliance.approvalNeeded(mediator, amount, qty);
  }

  /** @inheritDoc */
  requestApproval(mediator: string, deal: string, attempt: number, reason: string, summary: string): Promise<string> {
    return this.compliance.requestApproval(mediator, deal, attempt, reason, summary);
  }

  /** @inheritDoc */
  decideApproval(approvalId: string, approve: boolean, note: string): Promise<{ approved: boolean; by: string; note: string }> {
    return this.compliance.decideApproval(approvalId, approve, note);
  }

  /** @inheritDoc */
  audit(kind: 'deal' | 'approval', deal: string, actor: string, facts: { [k: string]: JsonValue }, summary: string, approved: boolean): void {
    this.compliance.audit(kind, deal, actor, facts, summary, approved);
  }

  /** @inheritDoc */
  settleDeal(deal: string, attempt: number, at: number): Promise<SettleResult> {
    return this.durable ? this.durable.settle(deal, attempt, at) : this.ledger.settle(deal, attempt, at);
  }

  /** @inheritDoc */
  settled(d: { deal: string; buyer: string; seller: string; mediator: string; sku: string; qty: number; amount: number; rounds: number }): void {
    const postedAt = this.metrics.postedAt.get(d.deal) ?? 0;
    if (!this.metrics.settled({ deal: d.deal, buyer: d.buyer, seller: d.seller, sku: d.sku, qty: d.qty, amount: d.amount, rounds: d.rounds, postedAt, settledAt: this.clock.now() })) return;
    this.faults.afterSettlement(this.metrics.deals.size);
    this.needs.settled(d);
    const approval = d.amount > this.threshold;
    this.audit('deal', d.deal, d.mediator, { buyer: d.buyer, seller: d.seller, sku: d.sku, qty: d.qty, amount: d.amount, rounds: d.rounds, approvalRequired: approval },
      `settled ${d.deal}: ${d.qty} x ${d.sku} for $${(d.amount / 1e6).toFixed(2)} from ${d.seller} to ${d.buyer}`, true);
  }

  /** @inheritDoc */
  expired(need: string): void {
    this.needs.expired(need);
  }

  /** @inheritDoc */
  transient(_e: unknown): void {
    this.metrics.transientErrors++;
  }

  // ── the engine's own work ─────────────────────────────────────────────────

  /** Finds cycles in the wait-for graph and aborts the youngest wait of each; checks starvation. */
  private detectDeadlocks(): void {
    for (const d of this.waits.deadlocks()) {
      this.metrics.deadlocksDetected++;
      const victim = d.edges.find((e) => e.waiter === d.victim)!;
      const [deal, attempt] = victim.what.split('#') as [string, string];
      const mediator = [...d.cycle].find((n) => n.startsWith('mediator-'));
      this.log(deal, 'deadlock', 'detector', { cycle: d.cycle.join(' -> '), victim: d.victim });
      this.waits.releaseWhat(victim.what);
      this.metrics.deadlocksResolved++;
      if (mediator) this.send('detector', mediator, { t: 'abort', deal, attempt: Number(attempt), reason: 'deadlock' });
    }
    this.starvation.check(this.clock.now());
  }

  private sampleNow(): void {
    let active = 0;
    for (const s of Object.values(this.pool.stats())) active += s.busy;
    this.metrics.sample(this.clock.now(), this.liveAgents(), active, this.ref);
    this.deps.onProgress?.(this);
  }

  private async checkNow(final: boolean): Promise<InvariantReport> {
    for (let i = 0; ; i++) {
      try {
        return await checkInvariants(this, final);
      } catch (e) {
        this.transient(e);
        if (final || i > 20) throw e;
        await this.clock.sleep(1_000);
      }
    }
  }
}
