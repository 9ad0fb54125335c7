/**
 * The marketplace on several nodes. Every node that joins market `id` builds the same world from
 * the seed (sellers' listings, buyers' budgets, the needs), opens the shared ledger (idempotent) and
 * takes a fair share of the market's mediator agents through {@link AgentLeases}. Needs are posted
 * through any node (behind the load balancer): written to the ledger, then published on the bus
 * (NATS JetStream) on the subject of the mediator that owns them. A mediator runs on the node that
 * holds its lease and reads its durable consumer; when a node dies, another node takes the lease
 * over and the consumer redelivers what was not acknowledged.
 *
 * Every step is idempotent against the shared ledger (deal id = need id; commitment and settlement
 * are conditional writes), so a need handled twice, by two nodes or after a crash, is settled once;
 * a need is acknowledged only once its outcome and its audit record are durable; and a sweeper
 * re-handles open needs that were never delivered. Nothing is lost or settled twice.
 */
import type { Kysely } from 'kysely';
import type { Bus, Subscription } from '../bus/types.js';
import { auditOf } from '../compliance/node-audit.js';
import type { AuditLedger } from '../compliance/audit-ledger.js';
import { ConflictError } from '../errors.js';
import { MarketLedger, USD, type LedgerCheck } from '../orchestration/marketplace/market-ledger.js';
import { marketConfig } from '../orchestration/marketplace/market-config.js';
import { generateScenario, type Listing, type NeedSpec, type Scenario } from '../orchestration/marketplace/scenario.js';
import { GatewayModelClient } from '../runtime/model-client.js';
import type { Services } from '../server/services.js';
import { AgentLeases } from './agent-leases.js';

/** What a node needs to join. */
export interface ClusterMarketConfig {
  id: string;
  /** Mediator agents of the market (spread over the nodes). */
  agents: number;
  buyers: number;
  sellers: number;
  skus: number;
  /** Needs in the world (posted in ranges through `post`). */
  needs: number;
  seed: number;
  /** Model used for a negotiation move (through the node's gateway); none: rules only. */
  model: string | null;
  leaseMs: number;
}

/** This node's figures. */
export interface ClusterNodeStatus {
  node: string;
  market: string;
  agents: string[];
  handled: number;
  settled: number;
  expired: number;
  redelivered: number;
  /** Agents this node took over from another node (gained after the first placement). */
  takenOver: string[];
}

const subjectOf = (market: string, agent: string): string => `opsmkt.${market}.${agent}`;

/** The mediator owning a need (stable hash of its id). */
export function ownerOf(need: string, agents: number): string {
  let h = 2166136261;
  for (let i = 0; i < need.length; i++) h = Math.imul(h ^ need.charCodeAt(i), 16777619);
  return `mediator-${(h >>> 0) % agents}`;
}

/** See the module comment. */
export class ClusterMarket {
  readonly scenario: Scenario;
  readonly ledger: MarketLedger;
  private readonly leases: AgentLeases;
  private readonly subs = new Map<string, Subscription>();
  private readonly byId: Map<string, NeedSpec>;
  private readonly offers: Map<string, Listing[]>;
  private readonly models: GatewayModelClient;
  private audit!: AuditLedger;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private firstPlacement = true;
  private closed = false;
  private readonly stats = { handled: 0, settled: 0, expired: 0, redelivered: 0, takenOver: new Set<string>() };

  private constructor(readonly cfg: ClusterMarketConfig, private readonly s: Services, private readonly bus: Bus, readonly node: string) {
    this.scenario = generateScenario(marketConfig({ id: cfg.id, seed: cfg.seed, buyers: cfg.buyers, sellers: cfg.sellers, skus: cfg.skus, demand: cfg.needs, mediators: cfg.agents }));
    this.byId = new Map(this.scenario.needs.map((n) => [n.id, n]));
    this.offers = new Map();
    for (const l of this.scenario.listings) this.offers.set(l.sku, [...(this.offers.get(l.sku) ?? []), l]);
    for (const list of this.offers.values()) list.sort((a, b) => a.reserveMicros - b.reserveMicros || a.seller.localeCompare(b.seller));
    this.ledger = new MarketLedger(s.store, cfg.id, { approvalAboveMicros: Number.MAX_SAFE_INTEGER });
    const agents = Array.from({ length: cfg.agents }, (_, i) => `mediator-${i}`);
    this.leases = new AgentLeases(s.store.db as unknown as Kysely<Record<string, never>>, { group: `market:${cfg.id}`, agents, node, leaseMs: cfg.leaseMs });
    this.models = new GatewayModelClient(s.gateway);
  }

  /** Joins market `cfg.id` on this node: opens the ledger, starts taking leases. */
  static async join(cfg: ClusterMarketConfig, s: Services, bus: Bus, node: string): Promise<ClusterMarket> {
    const m = new ClusterMarket(cfg, s, bus, node);
    await m.open();
    return m;
  }

  private async open(): Promise<void> {
    this.audit = await auditOf(this.s);
    const rows: { account: string; asset: string; amount: number }[] = [];
    for (const [b, cash] of Object.entries(this.scenario.budgets)) rows.push({ account: b, asset: USD, amount: cash });
    for (const l of this.scenario.listings) rows.push({ account: l.seller, asset: l.sku, amount: l.stock });
    await this.ledger.open(rows);
    await this.tick();
    this.timer = setInterval(() => void (this.ticking = this.ticking.then(() => this.tick())), Math.max(200, Math.floor(this.cfg.leaseMs / 3)));
  }

  /** Renews and rebalances leases; starts and stops mediators accordingly; sweeps open needs. */
  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      const { gained, lost } = await this.leases.tick((a) => this.stop(a));
      for (const a of lost) await this.stop(a);
      for (const a of gained) {
        if (!this.firstPlacement) this.stats.takenOver.add(a);
        await this.start(a);
      }
      if (gained.length || this.leases.held.size) this.firstPlacement = false;
      await this.sweep();
    } catch (e) {
      this.s.logger.warn({ err: e, market: this.cfg.id }, 'market lease tick failed');
    }
  }

  private async start(agent: string): Promise<void> {
    if (this.subs.has(agent)) return;
    const sub = await this.bus.subscribe<{ need: string }>(subjectOf(this.cfg.id, agent), async (m) => {
      if (m.deliveries > 1) this.stats.redelivered++;
      await this.handle(m.data.need, agent);
    }, { durable: `opsmkt_${this.cfg.id}_${agent}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64), from: 'all', concurrency: 4, maxDeliver: 50, retryDelayMs: 500 });
    this.subs.set(agent, sub);
  }

  private async stop(agent: string): Promise<void> {
    const sub = this.subs.get(agent);
    this.subs.delete(agent);
    await sub?.unsubscribe();
  }

  /** Re-handles open needs of this node's agents that were posted a while ago (lost or never delivered). */
  private async sweep(): Promise<void> {
    if (!this.leases.held.size) return;
    const old = Date.now() - 10 * this.cfg.leaseMs;
    for (const n of await this.ledger.openNeeds()) {
      const agent = ownerOf(n.id, this.cfg.agents);
      if (this.leases.held.has(agent) && n.postedAt < old) await this.handle(n.id, agent).catch(() => {});
    }
  }

  /** Posts needs `[from, to)` of the world: ledger first, then the bus (both idempotent). */
  async post(from: number, to: number): Promise<number> {
    let n = 0;
    for (const spec of this.scenario.needs.slice(from, to)) {
      await this.ledger.postNeed({ id: spec.id, buyer: spec.buyer, sku: spec.sku, qty: spec.qty, limitMicros: spec.limitMicros, postedAt: Date.now(), deadline: Date.now() + 3_600_000, status: 'open' });
      await this.bus.publish(subjectOf(this.cfg.id, ownerOf(spec.id, this.cfg.agents)), { need: spec.id }, { id: `${this.cfg.id}:${spec.id}` });
      n++;
    }
    return n;
  }

  /**
   * Handles one need to its end (served with one settled deal, or expired when no seller can serve
   * it), idempotently: it resumes from what the ledger says.
   */
  async handle(id: string, agent: string): Promise<void> {
    const spec = this.byId.get(id);
    if (!spec) return;
    this.stats.handled++;
    const need = await this.ledger.need(id);
    if (!need) throw new ConflictError(`need ${id} is not posted yet`);
    let deal = await this.ledger.deal(id);
    if (need.status !== 'open') {
      await this.record(agent, id, need.status === 'served' ? 'settled' : 'expired', deal ? `${deal.seller} → ${deal.buyer}` : 'no seller');
      return;
    }
    const candidates = (this.offers.get(spec.sku) ?? []).filter((l) => l.reserveMicros <= spec.limitMicros);
    let attempt = deal ? (deal.status === 'void' ? deal.attempt + 1 : deal.attempt) : 1;
    for (;;) {
      if (deal?.status === 'settled') break;
      const offer = candidates[attempt - 1];
      if (!offer) {
        await this.ledger.closeNeed(id, 'expired', Date.now());
        this.stats.expired++;
        await this.record(agent, id, 'expired', `no seller of ${spec.sku} at or under ${spec.limitMicros} micro-USD could serve ${spec.qty}`);
        return;
      }
      const unit = Math.round((offer.reserveMicros + Math.min(offer.askMicros, spec.limitMicros)) / 2);
      if (!deal || deal.status === 'void') {
        if (this.cfg.model && attempt === 1) await this.negotiate(agent, spec, unit);
        const c = await this.ledger.commit({ id, buyer: spec.buyer, seller: offer.seller, mediator: agent, sku: spec.sku, qty: spec.qty, amountMicros: unit * spec.qty, attempt }, Date.now());
        if (c === 'conflict') {
          deal = await this.ledger.deal(id);
          attempt = deal ? (deal.status === 'void' ? deal.attempt + 1 : deal.attempt) : attempt + 1;
          continue;
        }
      }
      const r = await this.ledger.settle(id, attempt, Date.now());
      if (r.status !== 'refused') break;
      await this.ledger.void(id, attempt, Date.now());
      attempt++;
      deal = await this.ledger.deal(id);
    }
    deal = await this.ledger.deal(id);
    await this.ledger.closeNeed(id, 'served', Date.now());
    this.stats.settled++;
    await this.record(agent, id, 'settled', `${deal?.seller} → ${spec.buyer}: ${spec.qty} × ${spec.sku} for ${deal?.amountMicros} micro-USD`);
  }

  /** One negotiation move by the model, through the node's gateway (budgets, guardrails, usage, audit). */
  private async negotiate(agent: string, spec: NeedSpec, unit: number): Promise<void> {
    const answer = (unit / 1e6).toFixed(2);
    await this.models.chat({ tenant: 'market', team: 'mediators', agent, session: spec.id }, {
      model: this.cfg.model!, max_tokens: 16, messages: [{ role: 'user', content: `Propose a unit price for ${spec.qty} × ${spec.sku}. [sim:tokens=6] [sim:answer=${answer}]` }],
    }).catch((e: unknown) => this.s.logger.warn({ err: e, need: spec.id }, 'model move failed; rules decide'));
  }

  /** The outcome's audit record, durable before the need is acknowledged. */
  private async record(agent: string, need: string, outcome: 'settled' | 'expired', summary: string): Promise<void> {
    await this.audit.appendAndWait({
      kind: 'agent_decision', tenant: 'market', actor: { kind: 'agent', id: agent }, agent, refs: { session: need },
      decision: { action: 'recorded', summary: `${need} ${outcome}: ${summary}` }, detail: { market: this.cfg.id, node: this.node, outcome },
    });
  }

  /** This node's figures. */
  status(): ClusterNodeStatus {
    return {
      node: this.node, market: this.cfg.id, agents: [...this.leases.held].sort(), handled: this.stats.handled, settled: this.stats.settled,
      expired: this.stats.expired, redelivered: this.stats.redelivered, takenOver: [...this.stats.takenOver].sort(),
    };
  }

  /** The market as the shared ledger shows it (every node sees the same). */
  async check(): Promise<LedgerCheck & { needs: Record<string, number>; openingTotals: Record<string, number> }> {
    const c = await this.ledger.check();
    const needs: Record<string, number> = { open: 0, served: 0, expired: 0 };
    for (const st of ['open', 'served', 'expired'] as const) {
      const r = await this.s.store.db.withTables<{ orch_needs: { market: string; status: string } }>().selectFrom('orch_needs').select((eb) => eb.fn.countAll<number>().as('n')).where('market', '=', this.cfg.id).where('status', '=', st).executeTakeFirstOrThrow();
      needs[st] = Number(r.n);
    }
    const openingTotals: Record<string, number> = {};
    for (const cash of Object.values(this.scenario.budgets)) openingTotals[USD] = (openingTotals[USD] ?? 0) + cash;
    for (const l of this.scenario.listings) openingTotals[l.sku] = (openingTotals[l.sku] ?? 0) + l.stock;
    return { ...c, needs, openingTotals };
  }

  /** Stops this node's mediators and gives back its leases. */
  async leave(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    for (const a of [...this.subs.keys()]) await this.stop(a);
    await this.leases.releaseAll().catch(() => {});
  }
}
