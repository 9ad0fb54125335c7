/**
 * The coordination patterns a spec declares (`orchestration:`), instantiated over a node's agent
 * host (its runtime, or the mesh): each declared hierarchy, negotiation, contract template,
 * auction, vote and arbitration can be run by name; topics get a capability board on the bus with
 * the declared providers announced; double auctions keep a durable order book in the store
 * (`DurableBook`: orders and trades survive restarts, nodes sharing a database share it). Every decision is recorded
 * in the resolution log (and the audit ledger, when one is given). The admin API
 * (`/api/orchestration/patterns`) and `daca orch` call this.
 */
import type { Bus } from '../../bus/types.js';
import { NotFoundError, InvalidRequestError } from '../../errors.js';
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { AgentHost } from '../../runtime/agent-host.js';
import type { JsonValue } from '../../runtime/types.js';
import type { Store } from '../../store/types.js';
import { RealClock, type Clock } from '../clock.js';
import type { OrchestrationSpec } from '../orchestration-spec.js';
import { callAgent, type AgentRef } from '../patterns/agent-call.js';
import { sealedBid, vickrey, type AuctionResult, type Order } from '../patterns/auctions.js';
import type { StoredTrade } from '../patterns/book-tables.js';
import { DurableBook, type BookView, type CancelOutcome, type OrderOutcome } from '../patterns/durable-book.js';
import { announceCapability, CapabilityBoard, publishNeed, type Match } from '../patterns/capability-board.js';
import { ContractNet, ContractStore, type ContractNetOutcome } from '../patterns/contract-net.js';
import { Hierarchy, type HierarchyReport, type HierarchyTask } from '../patterns/hierarchy.js';
import { negotiate, type NegotiationOutcome } from '../patterns/negotiation.js';
import { arbitrate, escalate, resolveByVote, type Dispute } from '../patterns/resolution.js';
import type { Resolution, ResolutionLog } from '../patterns/resolution-record.js';
import type { VoteResult } from '../patterns/voting.js';
import { ProtocolHost } from './protocol-host.js';

/** What the declared patterns run on. */
export interface DeclaredPatternsDeps {
  spec: OrchestrationSpec;
  host: AgentHost;
  log: ResolutionLog;
  /** Contracts (`orch_contracts`) and double-auction books (`orch_book_*`) are stored here. */
  store: Pick<Store, 'db' | 'kind'>;
  /** Topics' capability board (none declared: not needed). */
  bus?: Bus;
  /** Human escalations (`escalate_to: human`). */
  approvals?: ApprovalService;
  /** Team and tenant of the agents' approvals. */
  team?: (agent: string) => { tenant: string; team: string };
  clock?: Clock;
}

/** A declared pattern, as listed. */
export interface DeclaredPattern {
  kind: 'hierarchy' | 'negotiation' | 'topic' | 'contract' | 'auction' | 'vote' | 'arbitration';
  name: string;
  agents: string[];
  detail: { [k: string]: JsonValue };
}

/** The outcome of a sealed-bid or Vickrey auction run. */
export interface AuctionRun extends AuctionResult {
  auction: string;
  item: string;
  /** Bidders that did not bid (no answer, no number). */
  abstained: string[];
}

const micros = (usd: number): number => Math.round(usd * 1e6);
let runs = 0;

/** See the module comment. */
export class DeclaredPatterns {
  private readonly clock: Clock;
  private readonly books = new Map<string, DurableBook>();
  private board: CapabilityBoard | null = null;
  private readonly contracts: ContractStore;

  private constructor(private readonly d: DeclaredPatternsDeps) {
    this.clock = d.clock ?? new RealClock();
    this.contracts = new ContractStore(d.store);
  }

  /** Instantiates the declared patterns: double-auction books (rebuilt from the store), and the topics' board with their providers announced. */
  static async start(d: DeclaredPatternsDeps): Promise<DeclaredPatterns> {
    const p = new DeclaredPatterns(d);
    for (const [n, a] of Object.entries(d.spec.auctions)) if (a.kind === 'double') p.books.set(n, await DurableBook.open(d.store, n, p.clock));
    const topics = Object.entries(d.spec.topics);
    if (topics.length) {
      if (!d.bus) throw new InvalidRequestError('orchestration.topics needs a bus');
      p.board = await CapabilityBoard.start(d.bus, new ProtocolHost(d.host, 'topics'), { name: 'spec_topics', log: d.log });
      for (const [topic, t] of topics)
        for (const [agent, capacity] of Object.entries(t.providers)) await announceCapability(d.bus, { agent: { agent, id: agent }, topic, capacity });
    }
    return p;
  }

  /** Stops the board (double-auction books are in the store and stay). */
  async close(): Promise<void> {
    await this.board?.stop();
    this.board = null;
  }

  /** Every declared pattern. */
  list(): DeclaredPattern[] {
    const s = this.d.spec;
    const out: DeclaredPattern[] = [];
    for (const [name, h] of Object.entries(s.hierarchies))
      out.push({ kind: 'hierarchy', name, agents: [h.supervisor, ...Object.values(h.leads).flat()], detail: { supervisor: h.supervisor, leads: h.leads, escalate_to: h.escalate_to ?? h.supervisor } });
    for (const [name, n] of Object.entries(s.negotiations))
      out.push({ kind: 'negotiation', name, agents: [n.buyer.agent, ...n.sellers.map((x) => x.agent)], detail: { rounds: n.rounds, deadline_ms: n.deadline_ms, sellers: n.sellers.length } });
    for (const [name, t] of Object.entries(s.topics))
      out.push({ kind: 'topic', name, agents: Object.keys(t.providers), detail: { capacity_left: this.board?.capacity(name) ?? 0 } });
    for (const [name, c] of Object.entries(s.contracts))
      out.push({ kind: 'contract', name, agents: [c.issuer, ...c.contractors], detail: { obligations: c.obligations, deadline_ms: c.deadline_ms, penalty_usd: c.penalty_usd } });
    for (const [name, a] of Object.entries(s.auctions)) out.push({ kind: 'auction', name, agents: a.bidders, detail: { kind: a.kind, reserve_usd: a.reserve_usd } });
    for (const [name, v] of Object.entries(s.votes)) out.push({ kind: 'vote', name, agents: v.voters, detail: { method: v.method, options: v.options ?? null } });
    for (const [name, a] of Object.entries(s.arbitration)) out.push({ kind: 'arbitration', name, agents: [a.mediator], detail: {} });
    return out;
  }

  /** Recorded decisions, newest last. */
  resolutions(pattern?: string): Resolution[] {
    return this.d.log.list(pattern);
  }

  private get<T>(kind: string, map: Record<string, T>, name: string): T {
    const v = map[name];
    if (!v) throw new NotFoundError(`no ${kind} '${name}' in the spec's orchestration section; declared: ${Object.keys(map).join(', ') || '(none)'}`);
    return v;
  }

  /** Runs tasks through a declared hierarchy (delegation, re-assignment, escalation). */
  async runHierarchy(name: string, tasks: HierarchyTask[]): Promise<HierarchyReport> {
    const h = this.get('hierarchy', this.d.spec.hierarchies, name);
    if (!tasks.length) throw new InvalidRequestError('give at least one task');
    const host = new ProtocolHost(this.d.host, `hierarchy ${name}`);
    const run = `${name}-${++runs}`;
    const to = h.escalate_to ?? h.supervisor;
    const approvals = this.d.approvals;
    const hierarchy = new Hierarchy({
      host, clock: this.clock, supervisor: h.supervisor, taskTimeoutMs: h.task_timeout_ms, maxAttempts: h.max_attempts, log: this.d.log,
      leads: Object.entries(h.leads).map(([id, ws]) => ({ id, workers: ws.map((agent) => ({ agent, id: `${run}-${agent}` })) })),
      escalate: async (task, failures) => {
        const question = `task ${task.id} of hierarchy ${name} failed ${failures.length} times (${failures.slice(-2).join('; ')}): retry or abandon?`;
        const ctx = { host, log: this.d.log, clock: this.clock, timeoutMs: h.task_timeout_ms };
        if (to === 'human') {
          if (!approvals) return { decision: 'abandon', by: 'nobody', reason: 'no approval service to ask a person' };
          const who = this.d.team?.(h.supervisor) ?? { tenant: 'default', team: 'default' };
          const r = await escalate(ctx, question, h.supervisor, { kind: 'human', approvals, tenant: who.tenant, team: who.team, waitMs: h.approval_wait_ms });
          return { decision: r.outcome === 'yes' ? 'retry' : 'abandon', by: r.participants[1] ?? 'approvers', reason: r.reasons[0] ?? '' };
        }
        const r = await escalate(ctx, question, h.supervisor, { kind: 'agent', ref: { agent: to, id: `${run}-${to}` } });
        return { decision: r.outcome === 'retry' ? 'retry' : 'abandon', by: to, reason: r.reasons[0] ?? '' };
      },
    });
    return hierarchy.run(tasks);
  }

  /** Runs a declared negotiation (alternating offers; moves asked of the agents, kept in their bounds). */
  async runNegotiation(name: string, subject?: string): Promise<NegotiationOutcome> {
    const n = this.get('negotiation', this.d.spec.negotiations, name);
    const host = new ProtocolHost(this.d.host, `negotiation ${name}`);
    const run = `${name}-${++runs}`;
    host.party(n.buyer.agent, { side: 'buyer', open: micros(n.buyer.open_usd), limit: micros(n.buyer.limit_usd), strategy: n.buyer.strategy, modelMoves: n.buyer.model_moves });
    for (const s of n.sellers) host.party(s.agent, { side: 'seller', open: micros(s.open_usd), limit: micros(s.limit_usd), strategy: s.strategy, modelMoves: s.model_moves });
    return negotiate({
      host, clock: this.clock, log: this.d.log, subject: subject ?? `${name} (${run})`, rounds: n.rounds, deadlineMs: n.deadline_ms, moveTimeoutMs: n.move_timeout_ms,
      buyer: { agent: n.buyer.agent, id: run }, sellers: n.sellers.map((s) => ({ agent: s.agent, id: run })),
    });
  }

  /** Issues a call for proposals from a declared contract template; the contract is stored and enforced. */
  async runContract(name: string, task: string, input: JsonValue): Promise<ContractNetOutcome> {
    const c = this.get('contract', this.d.spec.contracts, name);
    const net = new ContractNet({ host: new ProtocolHost(this.d.host, `contract ${name}`), contracts: this.contracts, issuer: c.issuer, clock: this.clock, log: this.d.log });
    const run = `${name}-${++runs}`;
    return net.run({ task, input, bidWindowMs: c.bid_window_ms, deadlineMs: c.deadline_ms, penaltyMicros: micros(c.penalty_usd), obligations: c.obligations }, c.contractors.map((agent) => ({ agent, id: run })));
  }

  /** Runs a declared sealed-bid or Vickrey auction: asks every bidder for its bid, then awards. */
  async runAuction(name: string, item: string): Promise<AuctionRun> {
    const a = this.get('auction', this.d.spec.auctions, name);
    if (a.kind === 'double') throw new InvalidRequestError(`auction '${name}' is a double auction: submit orders to it instead`);
    const host = new ProtocolHost(this.d.host, `auction ${name}`);
    const run = `${name}-${++runs}`;
    const answers = await Promise.all(a.bidders.map((agent) => callAgent(host, this.clock, { agent, id: run }, { t: 'bid', auction: name, item }, a.bid_timeout_ms, 'auctioneer').then((r) => ({ agent, r }))));
    const bids: { bidder: string; price: number }[] = [];
    const abstained: string[] = [];
    for (const { agent, r } of answers) {
      const price = r.ok ? r.data.price : undefined;
      if (typeof price === 'number' && r.ok && r.data.bid !== false) bids.push({ bidder: agent, price });
      else abstained.push(agent);
    }
    const result = a.kind === 'vickrey' ? vickrey(bids, micros(a.reserve_usd)) : sealedBid(bids, micros(a.reserve_usd));
    this.d.log.record({
      pattern: 'auction', subject: `${name}: ${item}`, outcome: result.winner ? `${result.winner} at ${result.price}` : 'no sale',
      reasons: [result.explanation, ...(abstained.length ? [`no bid from ${abstained.join(', ')}`] : [])], participants: a.bidders, at: this.clock.now(),
      data: { kind: result.kind, bids: bids.map((b) => ({ bidder: b.bidder, price: b.price })) },
    });
    return { ...result, auction: name, item, abstained };
  }

  private doubleAuction(name: string): DurableBook {
    const book = this.books.get(name);
    if (!book) throw new NotFoundError(`no double auction '${name}' in the spec's orchestration section; declared: ${[...this.books.keys()].join(', ') || '(none)'}`);
    return book;
  }

  /** Submits an order to a declared double auction (committed to the store before it returns); returns the trades it made. */
  async submitOrder(name: string, o: Order): Promise<OrderOutcome> {
    const r = await this.doubleAuction(name).submit(o);
    if (!r.replayed)
      for (const t of r.trades)
        this.d.log.record({ pattern: 'auction', subject: `${name}: ${t.bidId}/${t.askId}`, outcome: `${t.qty} at ${t.price}`, reasons: [`bid ${t.bidId} crossed ask ${t.askId}; trade at the resting order's price`], participants: [t.buyer, t.seller], at: this.clock.now() });
    return r;
  }

  /** Cancels what rests of an order in a declared double auction. */
  cancelOrder(name: string, id: string): Promise<CancelOutcome> {
    return this.doubleAuction(name).cancel(id);
  }

  /** A double auction's quote, resting orders and newest trades. */
  book(name: string): Promise<BookView> {
    return this.doubleAuction(name).view();
  }

  /** A double auction's newest `limit` trades, oldest first. */
  trades(name: string, limit: number): Promise<StoredTrade[]> {
    return this.doubleAuction(name).trades(limit);
  }

  /** Runs a declared vote. */
  async runVote(name: string, question: string, options?: string[]): Promise<VoteResult> {
    const v = this.get('vote', this.d.spec.votes, name);
    const opts = options ?? v.options;
    if (!opts || opts.length < 2) throw new InvalidRequestError(`vote '${name}' needs at least two options (declare them or give them)`);
    const run = `${name}-${++runs}`;
    const voters: AgentRef[] = v.voters.map((agent) => ({ agent, id: run }));
    const { result } = await resolveByVote({ host: new ProtocolHost(this.d.host, `vote ${name}`), log: this.d.log, clock: this.clock, timeoutMs: v.timeout_ms }, question, opts, voters, v.method);
    return result;
  }

  /** Asks a declared mediator to arbitrate a dispute. */
  async arbitrate(name: string, dispute: Dispute): Promise<Resolution> {
    const a = this.get('arbitration', this.d.spec.arbitration, name);
    return arbitrate({ host: new ProtocolHost(this.d.host, `arbitration ${name}`), log: this.d.log, clock: this.clock, timeoutMs: a.timeout_ms }, dispute, { agent: a.mediator, id: `${name}-${++runs}` });
  }

  /** Publishes a need on a declared topic; the board shares the topic's capacity fairly. */
  async publishNeed(topic: string, need: { id: string; agent: string; qty: number; weight?: number }): Promise<void> {
    this.get('topic', this.d.spec.topics, topic);
    await publishNeed(this.d.bus!, { id: need.id, agent: { agent: need.agent, id: need.agent }, topic, qty: need.qty, ...(need.weight !== undefined ? { weight: need.weight } : {}) });
  }

  /** Announces (more) capacity on a declared topic. */
  async announce(topic: string, agent: string, capacity: number): Promise<void> {
    this.get('topic', this.d.spec.topics, topic);
    await announceCapability(this.d.bus!, { agent: { agent, id: agent }, topic, capacity });
  }

  /** A topic's capacity left and its matches. */
  topic(topic: string): { topic: string; capacity_left: number; matches: Match[] } {
    this.get('topic', this.d.spec.topics, topic);
    return { topic, capacity_left: this.board?.capacity(topic) ?? 0, matches: (this.board?.matches ?? []).filter((m) => m.topic === topic) };
  }
}
