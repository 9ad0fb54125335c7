/**
 * The marketplace engine: builds the world (scenario, opening balances on the ledger), hosts the
 * buyer, seller, mediator and policy agents in an `AgentPool` on a simulated clock, carries their
 * messages (latency, and injected drops, duplicates, reordering), posts needs as they arrive,
 * runs the watchdog (re-dispatch of quiet needs, recovery of committed deals), the deadlock and
 * starvation detectors, the invariant checks and the fault injector, and reports.
 *
 * Durable (ledger on the Store, idempotency keys): opening balances, the need book, commitments,
 * approvals, settlements; plus the audit ledger. Cheap (memory, bus): offers, counter-offers,
 * holds, queues, listings. See docs/orchestration.md for why.
 */
import { randomUUID } from 'node:crypto';
import type { Bus } from '../../bus/types.js';
import { auditOf } from '../../compliance/node-audit.js';
import type { AuditLedger } from '../../compliance/audit-ledger.js';
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
import { uniform, rng, type Rng } from '../rng.js';
import { StarvationDetector } from '../safety/starvation.js';
import { WaitForGraph } from '../safety/wait-for-graph.js';
import { buyerAgent } from './agents/buyer.js';
import { mediatorAgent } from './agents/mediator.js';
import { policyAgent } from './agents/policy.js';
import { sellerAgent } from './agents/seller.js';
import { DealLog } from './deal-log.js';
import { checkInvariants, type InvariantReport } from './invariants.js';
import type { MarketConfig } from './market-config.js';
import type { MarketEnv, ModelMoveRequest } from './market-env.js';
import { DurableSettlement } from './durable-settlement.js';
import { MarketLedger, USD, type SettleResult } from './market-ledger.js';
import { MarketMetrics } from './market-metrics.js';
import { approvalThresholdMicros } from './market-spec.js';
import { addressOf, wrap, type MarketMsg, type NeedInfo } from './messages.js';
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

const BUS_NEEDS = 'market.needs';
const BUS_LISTINGS = 'market.listings';

/** See the module comment. */
export class Market implements MarketEnv {
  readonly scenario: Scenario;
  readonly directory = new SellerDirectory();
  readonly metrics = new MarketMetrics();
  readonly deals: DealLog;
  readonly waits = new WaitForGraph();
  readonly starvation: StarvationDetector;
  readonly clock: SimClock;
  private readonly humanPending = new Map<string, { deal: string; attempt: number; mediator: string }>();
  readonly approver: 'policy' | 'human';
  ledger!: MarketLedger;
  private pool!: AgentPool;
  private audits!: AuditLedger;
  private ledgerStore!: Store;
  /** Settlement on Restate, when `cfg.durableSettlement`. */
  durable: DurableSettlement | null = null;
  private readonly faultRng: Rng;
  private attempts = 0;
  private readonly touched = new Map<string, number>();
  private readonly open = new Map<string, NeedInfo>();
  private readonly buyerCash = new Map<string, number>();
  private readonly ref: Map<string, number>;
  private readonly threshold: number;
  private readonly delivered = new Map<string, () => void>();
  private unsubscribe: (() => Promise<void>)[] = [];
  private wall0 = 0;
  private running = false;
  private finished: MarketReport | null = null;
  private invariantRuns: InvariantReport[] = [];
  private initialTotals: Record<string, number> = {};

  private constructor(readonly cfg: MarketConfig, private readonly deps: MarketDeps) {
    this.scenario = generateScenario(cfg);
    this.deals = new DealLog(deps.follow ? { follow: new Set(deps.follow) } : {});
    this.starvation = new StarvationDetector(cfg.starvationMs);
    this.faultRng = rng(cfg.seed ^ 0x5eed);
    this.approver = cfg.approver;
    // With people deciding approvals, simulated time runs paced to the wall clock.
    this.clock = new SimClock(0, cfg.approver === 'human' ? { pace: cfg.pace } : {});
    this.ref = new Map(this.scenario.skus.map((s) => [s.id, s.refMicros]));
    this.threshold = approvalThresholdMicros(deps.services.spec.spec);
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
      this.buyerCash.set(b, cash);
    }
    for (const l of this.scenario.listings) rows.push({ account: l.seller, asset: l.sku, amount: l.stock });
    for (let i = 0; i < this.cfg.sellers; i++) rows.push({ account: `seller-${i}`, asset: USD, amount: 0 });
    await this.ledger.open(rows);
    this.initialTotals = await this.ledger.totals();
    if (this.cfg.durableSettlement) {
      if (!s.runtime) throw new Error('durable settlement needs the node\'s agent runtime (MarketServices.runtime)');
      this.durable = await DurableSettlement.start(s.runtime, this.cfg.id, this.ledger, (p) => this.clock.track(p));
    }
    this.audits = await auditOf(s);
    this.pool = new AgentPool({ models: new GatewayModelClient(s.gateway), clock: this.clock, tenant: 'market' });
    this.pool.register(buyerAgent(this), { team: 'buyers' });
    this.pool.register(sellerAgent(this), { team: 'sellers' });
    this.pool.register(mediatorAgent(this), { team: 'mediators' });
    this.pool.register(policyAgent(this), { team: 'compliance' });
    const bus = this.deps.bus;
    const needs = await bus.subscribe(`${BUS_NEEDS}.>`, (msg) => {
      this.dispatch((msg.data as unknown as { need: NeedInfo }).need);
      this.delivered.get(msg.id)?.();
    }, { durable: `mkt_${this.cfg.id.replace(/[^A-Za-z0-9_-]/g, '_')}_mediators`.slice(0, 64), concurrency: 64 });
    const listings = await bus.subscribe<{ seller: string; sku: string; stock: number; reserve: number; ask: number }>(`${BUS_LISTINGS}.>`, (msg) => {
      this.directory.announce(msg.data);
      this.delivered.get(msg.id)?.();
    }, { concurrency: 64 });
    this.unsubscribe.push(() => needs.unsubscribe(), () => listings.unsubscribe());
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
    for (const n of this.scenario.needs) c.setTimer(n.at + 1_000, () => this.post(n));
    const end = (this.scenario.needs.at(-1)?.deadline ?? 0) + 5 * 60_000;
    const every = (ms: number, fn: () => unknown): void => {
      const tick = async (): Promise<void> => {
        await fn();
        if (c.now() < end) c.setTimer(ms, tick);
      };
      c.setTimer(ms, tick);
    };
    every(60_000, () => this.sampleNow());
    every(30_000, () => this.watchdog());
    every(10_000, () => this.detectDeadlocks());
    every(300_000, async () => void this.invariantRuns.push(await this.checkNow(false)));
    if (this.approver === 'human') every(5_000, () => this.relayHumanDecisions());
    this.scheduleFaults(end);
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
    for (const u of this.unsubscribe) await u().catch(() => {});
    await this.deps.bus.deleteDurable(`mkt_${this.cfg.id.replace(/[^A-Za-z0-9_-]/g, '_')}_mediators`.slice(0, 64)).catch(() => {});
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
    this.metrics.messages++;
    this.trackWaits(from, to, m);
    const f = this.cfg.faults;
    const r = this.faultRng;
    if (f.drop > 0 && r.chance(f.drop)) {
      this.metrics.dropped++;
      return;
    }
    const copies = f.duplicate > 0 && r.chance(f.duplicate) ? 2 : 1;
    if (copies === 2) this.metrics.duplicated++;
    const a = addressOf(to);
    for (let k = 0; k < copies; k++) {
      let delay = this.cfg.latencyMs * (0.5 + r.next());
      if (f.reorder > 0 && r.chance(f.reorder)) {
        delay += r.next() * f.reorderMs;
        this.metrics.delayed++;
      }
      this.clock.setTimer(delay, () => this.pool.tell(a.type, a.id, wrap(m)));
    }
  }

  /** @inheritDoc */
  publishNeed(need: NeedInfo): void {
    const id = `${need.id}:${this.metrics.redispatched}:${this.clock.now()}`;
    this.clock.track(new Promise<void>((resolve) => {
      this.delivered.set(id, () => {
        this.delivered.delete(id);
        resolve();
      });
      this.deps.bus.publish(`${BUS_NEEDS}.${need.sku}`, { need } as unknown as { [k: string]: JsonValue }, { id }).catch(() => {
        this.delivered.delete(id);
        resolve();
      });
    }));
  }

  /** @inheritDoc */
  announce(seller: string, listings: { sku: string; stock: number; reserve: number; ask: number }[]): void {
    for (const l of listings) {
      const id = `${seller}:${l.sku}:${this.clock.now()}:${randomUUID().slice(0, 8)}`;
      this.clock.track(new Promise<void>((resolve) => {
        this.delivered.set(id, () => {
          this.delivered.delete(id);
          resolve();
        });
        this.deps.bus.publish(`${BUS_LISTINGS}.${l.sku}`, { seller, ...l }, { id }).catch(() => {
          this.delivered.delete(id);
          resolve();
        });
      }));
    }
  }

  /** @inheritDoc */
  touch(need: string): void {
    this.touched.set(need, this.clock.now());
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
  async modelMove(ctx: AgentContext<unknown>, req: ModelMoveRequest): Promise<number | null> {
    if (this.cfg.modelShare <= 0 || this.rand('model-move', req.deal, req.side, req.round) >= this.cfg.modelShare) return null;
    this.metrics.modelMoves++;
    const usd = (v: number): string => (v / 1e6).toFixed(2);
    try {
      const r = await ctx.model.chat({
        messages: [
          { role: 'system', content: `You are a ${req.side} agent in a marketplace negotiating a unit price. Reply with one price in USD. [sim:tokens=24] [sim:difficulty=0.3]` },
          { role: 'user', content: `Round ${req.round + 1} of ${req.rounds}. ${req.theirs === null ? 'You open.' : `They offer ${usd(req.theirs)} USD.`} Your ${req.side === 'buyer' ? 'maximum' : 'minimum'} is ${usd(req.limit)} USD. Your next price? [sim:answer=${usd(req.rule)}]` },
        ],
        max_tokens: 40,
      });
      this.metrics.model(`${ctx.agent}-${ctx.id}`, r.usage.costMicros);
      const said = /answer is\s+\$?(\d+(?:\.\d+)?)/i.exec(r.text) ?? /(\d+(?:\.\d+)?)/.exec(r.text);
      if (!said) {
        this.metrics.modelFallbacks++;
        return null;
      }
      return Math.round(Number(said[1]) * 1e6);
    } catch (e) {
      this.metrics.modelFallbacks++;
      if ((e as { code?: string }).code === 'budget_exceeded') this.metrics.budgetRefusals++;
      return null;
    }
  }

  /** @inheritDoc */
  approvalNeeded(mediator: string, amount: number, qty: number): string | null {
    const v = this.deps.services.engines.tools.checkResult(mediator, [
      { id: 'settle', type: 'function', function: { name: 'settle_deal', arguments: JSON.stringify({ amount_usd: amount / 1e6, qty }) } },
    ]);
    if (v.action === 'allow') return null;
    return `${v.policy}: ${v.reason}`;
  }

  /** @inheritDoc */
  async requestApproval(mediator: string, deal: string, attempt: number, reason: string, summary: string): Promise<string> {
    const a = await this.deps.services.engines.approvals.request(
      { subject: { keyId: `agent:${mediator}`, tenant: 'market', team: 'mediators', agent: mediator, session: deal }, request: { model: 'settle_deal', messages: [{ role: 'user', content: summary }] } },
      { ruleId: 'tools:market-settlement', reason },
    );
    this.metrics.approvalsRequested++;
    if (this.approver === 'human') this.humanPending.set(a.id, { deal, attempt, mediator });
    return a.id;
  }

  /** @inheritDoc */
  async decideApproval(approvalId: string, approve: boolean, note: string): Promise<{ approved: boolean; by: string; note: string }> {
    const svc = this.deps.services.engines.approvals;
    try {
      const a = await svc.decide(approvalId, { decision: approve ? 'approve' : 'reject', approver: { name: 'policy-agent', keyId: 'agent:policy-0' }, note });
      if (a.status === 'approved') this.metrics.approvalsApproved++;
      else this.metrics.approvalsRejected++;
      return { approved: a.status === 'approved', by: a.decidedBy ?? 'policy-agent', note: a.note ?? note };
    } catch (e) {
      if ((e as { code?: string }).code !== 'conflict') throw e;
      const a = await svc.get(approvalId); // decided before (a retried review)
      return { approved: a.status === 'approved', by: a.decidedBy ?? 'unknown', note: a.note ?? '' };
    }
  }

  /** @inheritDoc */
  audit(kind: 'deal' | 'approval', deal: string, actor: string, facts: { [k: string]: JsonValue }, summary: string, approved: boolean): void {
    this.audits.append({
      kind: kind === 'deal' ? 'agent_decision' : 'approval_decision',
      tenant: 'market',
      actor: { kind: 'agent', id: actor },
      agent: actor,
      refs: { session: deal },
      decision: {
        action: approved ? (kind === 'deal' ? 'recorded' : 'approved') : 'rejected',
        reasons: [{ source: 'policy', name: kind === 'deal' ? 'market-settlement' : 'deal-approval', effect: approved ? 'allow' : 'block', detail: summary }],
        summary,
      },
      detail: { market: this.cfg.id, ...facts },
    });
    if (kind === 'deal') this.metrics.audited++;
  }

  /** @inheritDoc */
  settleDeal(deal: string, attempt: number, at: number): Promise<SettleResult> {
    return this.durable ? this.durable.settle(deal, attempt, at) : this.ledger.settle(deal, attempt, at);
  }

  /** @inheritDoc */
  settled(d: { deal: string; buyer: string; seller: string; mediator: string; sku: string; qty: number; amount: number; rounds: number }): void {
    const postedAt = this.metrics.postedAt.get(d.deal) ?? 0;
    if (!this.metrics.settled({ deal: d.deal, buyer: d.buyer, seller: d.seller, sku: d.sku, qty: d.qty, amount: d.amount, rounds: d.rounds, postedAt, settledAt: this.clock.now() })) return;
    if (this.restartAfter.delete(this.metrics.deals.size)) this.restartStore();
    if (this.restateAfter.delete(this.metrics.deals.size)) this.restartRestate();
    this.open.delete(d.deal);
    this.starvation.served(d.buyer, d.deal);
    this.directory.sold(d.deal, d.seller, d.sku, d.qty);
    this.buyerCash.set(d.buyer, (this.buyerCash.get(d.buyer) ?? 0) - d.amount);
    const approval = d.amount > this.threshold;
    this.audit('deal', d.deal, d.mediator, { buyer: d.buyer, seller: d.seller, sku: d.sku, qty: d.qty, amount: d.amount, rounds: d.rounds, approvalRequired: approval },
      `settled ${d.deal}: ${d.qty} x ${d.sku} for $${(d.amount / 1e6).toFixed(2)} from ${d.seller} to ${d.buyer}`, true);
  }

  /** @inheritDoc */
  expired(need: string): void {
    this.metrics.expired.add(need);
    this.open.delete(need);
    const b = this.metrics.needBuyer.get(need);
    if (b) this.starvation.served(b, need);
  }

  /** @inheritDoc */
  transient(_e: unknown): void {
    this.metrics.transientErrors++;
  }

  // ── the engine's own work ─────────────────────────────────────────────────

  /** Posts a need: feasibility (oracle), the need book (durable), then the buyer is told. */
  private async post(n: Scenario['needs'][number]): Promise<void> {
    const need: NeedInfo = { id: n.id, buyer: n.buyer, sku: n.sku, qty: n.qty, limit: n.limitMicros, postedAt: this.clock.now(), deadline: n.deadline + 1_000 };
    this.metrics.feasible.set(n.id, this.feasible(need));
    this.metrics.needBuyer.set(n.id, n.buyer);
    this.metrics.postedAt.set(n.id, need.postedAt);
    this.open.set(n.id, need);
    this.touched.set(n.id, need.postedAt);
    if (this.metrics.feasible.get(n.id)) this.starvation.waiting(n.buyer, n.id, need.postedAt);
    this.log(n.id, 'posted', n.buyer, { sku: n.sku, qty: n.qty, limit: n.limitMicros, feasible: this.metrics.feasible.get(n.id)! });
    for (let i = 0; ; i++) {
      try {
        await this.ledger.postNeed({ id: n.id, buyer: n.buyer, sku: n.sku, qty: n.qty, limitMicros: n.limitMicros, postedAt: need.postedAt, deadline: need.deadline, status: 'open' });
        break;
      } catch (e) {
        this.transient(e);
        if (i > 50) throw e;
        await this.clock.sleep(1_000);
      }
    }
    const a = addressOf(n.buyer);
    this.pool.tell(a.type, a.id, wrap({ t: 'need', need }));
  }

  /** Whether `need` can be served at all now: a seller with stock at or below the limit, and the money. */
  private feasible(need: NeedInfo): boolean {
    const c = this.directory.candidates(need.sku, need.qty, need.limit);
    if (!c.length) return false;
    const cheapest = Math.min(...c.map((l) => l.reserve));
    return (this.buyerCash.get(need.buyer) ?? 0) >= cheapest * need.qty;
  }

  /** Sends a need to a mediator: the less loaded of two picked at random (power of two choices). */
  private dispatch(need: NeedInfo): void {
    if (!this.open.has(need.id)) return;
    const m = this.cfg.mediators;
    const a = this.faultRng.int(0, m - 1);
    const b = this.faultRng.int(0, m - 1);
    const load = (i: number): number => this.metrics.queueDepths.get(`mediator-${i}`) ?? 0;
    const pick = load(a) <= load(b) ? a : b;
    this.touched.set(need.id, this.clock.now());
    this.log(need.id, 'dispatch', `mediator-${pick}`);
    this.send('market', `mediator-${pick}`, { t: 'match', need });
  }

  /** Re-dispatches needs nobody moved for a while; resumes committed deals; expires late needs. */
  private async watchdog(): Promise<void> {
    const now = this.clock.now();
    const stale = this.cfg.negotiationTimeoutMs * 2;
    for (const need of this.open.values()) {
      if (now >= need.deadline) {
        try {
          if (await this.ledger.closeNeed(need.id, 'expired', now)) {
            this.expired(need.id);
            this.log(need.id, 'expired', 'watchdog');
          } else this.open.delete(need.id);
        } catch (e) {
          this.transient(e);
        }
        continue;
      }
      if (now - (this.touched.get(need.id) ?? 0) > stale) {
        this.metrics.redispatched++;
        this.log(need.id, 'redispatch', 'watchdog');
        this.touched.set(need.id, now);
        this.publishNeed(need);
      }
    }
    let committed;
    try {
      committed = await this.ledger.deals('committed');
    } catch (e) {
      this.transient(e);
      return;
    }
    for (const d of committed) if (now - d.updatedAt > stale) this.send('watchdog', d.mediator, { t: 'resume', deal: d.id, attempt: d.attempt });
  }

  private trackWaits(from: string, to: string, m: MarketMsg): void {
    const w = this.waits;
    const now = this.clock.now();
    switch (m.t) {
      case 'hold':
        w.wait(from, to, `${m.deal}#${m.attempt}`, now);
        return;
      case 'held':
      case 'no-stock':
        w.release(to, from, `${m.deal}#${m.attempt}`);
        return;
      case 'offer':
      case 'counter':
        // The sender now waits for the other side, whose wait on the sender is answered by this message.
        w.release(to, from, `${m.deal}#${m.attempt}`);
        w.wait(from, to, `${m.deal}#${m.attempt}`, now);
        return;
      case 'review':
        w.wait(from, to, `${m.deal}#${m.attempt}`, now);
        return;
      case 'decision':
        w.release(to, from, `${m.deal}#${m.attempt}`);
        return;
      case 'accepted':
      case 'agreed':
      case 'abort':
      case 'release':
      case 'settled':
        w.releaseWhat(`${m.deal}#${m.attempt}`);
        return;
      default:
        return;
    }
  }

  /** Tells mediators about approvals people decided (`daca approvals approve|reject`, the dashboard). */
  private async relayHumanDecisions(): Promise<void> {
    for (const [id, p] of this.humanPending) {
      let a;
      try {
        a = await this.deps.services.engines.approvals.get(id);
      } catch (e) {
        this.transient(e);
        continue;
      }
      if (a.status === 'pending') continue;
      this.humanPending.delete(id);
      if (a.status === 'approved') this.metrics.approvalsApproved++;
      else this.metrics.approvalsRejected++;
      this.audit('approval', p.deal, a.decidedBy ?? 'system', { approvalId: id }, a.note ?? a.status, a.status === 'approved');
      this.send('approvals', p.mediator, { t: 'decision', deal: p.deal, attempt: p.attempt, approvalId: id, approved: a.status === 'approved', by: a.decidedBy ?? 'system', note: a.note ?? a.status });
    }
  }

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

  /** Kills agents and restarts the ledger's store at the configured rates. */
  private scheduleFaults(end: number): void {
    const f = this.cfg.faults;
    const agents = this.cfg.buyers + this.cfg.sellers + this.cfg.mediators;
    const kills = Math.round((f.killsPerAgentHour * agents * end) / 3_600_000);
    const r = rng(this.cfg.seed ^ 0xdead);
    for (let k = 0; k < kills; k++) {
      this.clock.setTimer(r.range(0, end * 0.9), () => {
        const u = r.int(0, agents - 1);
        const [type, id] = u < this.cfg.buyers ? ['buyer', u] : u < this.cfg.buyers + this.cfg.sellers ? ['seller', u - this.cfg.buyers] : ['mediator', u - this.cfg.buyers - this.cfg.sellers];
        if (this.pool.kill(String(type), String(id))) this.metrics.kills++;
      });
    }
    // Store restarts happen right after a settlement (so work is in flight) at evenly spaced
    // points of the demand; the store stays down for 20 simulated seconds: durable steps fail
    // and are retried with the same idempotency keys.
    const expected = this.scenario.needs.length * 0.8;
    for (let k = 0; k < f.storeRestarts; k++) this.restartAfter.add(Math.max(1, Math.floor((expected * (k + 1)) / (f.storeRestarts + 1))));
    // restate-server restarts fall between the store restarts.
    const rr = this.durable ? (f.restateRestarts ?? 0) : 0;
    for (let k = 0; k < rr; k++) this.restateAfter.add(Math.max(1, Math.floor((expected * (2 * k + 1)) / (2 * rr + 1))));
  }

  private readonly restartAfter = new Set<number>();
  private readonly restateAfter = new Set<number>();

  /**
   * Arms a kill of restate-server (SIGKILL) during the next settlement step (after its ledger
   * transaction, before Restate journals it); it starts again after `restateDownMs` of wall time.
   * The simulated clock holds still while it is down (tracked work), so deadlines do not run out
   * meanwhile; durable settlement calls in flight are retried by the runtime with their idempotency
   * keys and Restate re-runs the interrupted step, which the ledger answers `duplicate`.
   */
  private restartRestate(): void {
    const d = this.durable;
    if (!d) return;
    void d.killDuringNextStep(this.cfg.faults.restateDownMs ?? 1_000).then(() => void this.metrics.restateRestarts++, (e: unknown) => this.transient(e));
  }

  private restartStore(): void {
    this.clock.setTimer(0, async () => {
      await this.ledgerStore.close().catch(() => {});
      this.metrics.storeRestarts++;
      this.clock.setTimer(20_000, async () => {
        this.ledgerStore = await this.deps.openLedgerStore();
        this.ledger.reconnect(this.ledgerStore);
      });
    });
  }
}
