/**
 * Contract net: a manager sends a call for proposals (CFP) to contractor agents, collects bids
 * within a window, awards the task to the best bid (lowest price, then earliest promised time),
 * and stores the contract: obligations (deliver by the deadline), price, penalty. The contract is
 * enforced: the contractor performs it; a failure or a delivery after the deadline is a breach and
 * the penalty applies. Every step is stored (`orch_contracts`, with its history) and recorded.
 */
import type { Kysely } from 'kysely';
import type { AgentHost } from '../../runtime/agent-host.js';
import type { JsonValue } from '../../runtime/types.js';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';
import { RealClock, type Clock } from '../clock.js';
import { callAgent, refName, type AgentRef } from './agent-call.js';
import type { ResolutionLog } from './resolution-record.js';

interface ContractsTable {
  id: string; kind: string; issuer: string; contractor: string; task: string; terms: string; status: string;
  deadline: number; penalty_micros: number; history: string; created_at: number; updated_at: number;
}

/** A stored contract. */
export interface Contract {
  id: string;
  issuer: string;
  contractor: string;
  task: string;
  /** Price (micro-dollars), promised time, the task's input. */
  terms: { price: number; eta: number; input: JsonValue; obligations?: string[] };
  status: 'awarded' | 'fulfilled' | 'breached';
  deadline: number;
  penaltyMicros: number;
  history: { at: number; event: string; detail?: string }[];
}

/** Contracts on the Store (migration 009). */
export class ContractStore {
  private readonly db: Kysely<StoreDatabase & { orch_contracts: ContractsTable }>;
  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<{ orch_contracts: ContractsTable }>();
  }
  /** Stores a new contract. */
  async create(c: Contract, at: number): Promise<void> {
    await this.db.insertInto('orch_contracts').values({
      id: c.id, kind: 'contract-net', issuer: c.issuer, contractor: c.contractor, task: c.task, terms: JSON.stringify(c.terms), status: c.status,
      deadline: c.deadline, penalty_micros: c.penaltyMicros, history: JSON.stringify(c.history), created_at: at, updated_at: at,
    }).execute();
  }
  /** Moves an awarded contract to its end state; false when it was not awarded any more. */
  async close(id: string, status: 'fulfilled' | 'breached', at: number, detail: string): Promise<boolean> {
    const c = await this.get(id);
    if (!c || c.status !== 'awarded') return false;
    const history = [...c.history, { at, event: status, detail }];
    const r = await this.db.updateTable('orch_contracts').set({ status, history: JSON.stringify(history), updated_at: at }).where('id', '=', id).where('status', '=', 'awarded').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** One contract. */
  async get(id: string): Promise<Contract | undefined> {
    const r = await this.db.selectFrom('orch_contracts').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toContract(r) : undefined;
  }
  /** Awarded contracts past their deadline at `now`. */
  async overdue(now: number): Promise<Contract[]> {
    return (await this.db.selectFrom('orch_contracts').selectAll().where('status', '=', 'awarded').where('deadline', '<', now).execute()).map(toContract);
  }
}

function toContract(r: ContractsTable): Contract {
  return {
    id: r.id, issuer: r.issuer, contractor: r.contractor, task: r.task, terms: JSON.parse(r.terms) as Contract['terms'], status: r.status as Contract['status'],
    deadline: Number(r.deadline), penaltyMicros: Number(r.penalty_micros), history: JSON.parse(r.history) as Contract['history'],
  };
}

/** A call for proposals. */
export interface Cfp {
  task: string;
  input: JsonValue;
  /** How long bids are taken, ms. */
  bidWindowMs: number;
  /** Delivery deadline after the award, ms. */
  deadlineMs: number;
  /** Penalty for a breach, micro-dollars. */
  penaltyMicros: number;
  /** What the contractor must do (sent with the CFP, stored with the contract). */
  obligations?: string[];
}

/** The outcome of one CFP. */
export interface ContractNetOutcome {
  bids: { contractor: string; price: number; eta: number }[];
  refused: string[];
  contract: Contract | null;
  result: JsonValue | null;
}

/**
 * @example
 * ```ts
 * const net = new ContractNet({ host: pool, contracts: new ContractStore(store), issuer: 'manager' });
 * const o = await net.run({ task: 'translate', input: 'hello', bidWindowMs: 1000, deadlineMs: 5000, penaltyMicros: 2e6 }, contractors);
 * ```
 */
export class ContractNet {
  private readonly clock: Clock;
  private n = 0;
  constructor(private readonly o: { host: AgentHost; contracts: ContractStore; issuer: string; clock?: Clock; log?: ResolutionLog }) {
    this.clock = o.clock ?? new RealClock();
  }

  /** CFP → bids → award → contract → performance → fulfilled or breached. */
  async run(cfp: Cfp, contractors: readonly AgentRef[]): Promise<ContractNetOutcome> {
    const answers = await Promise.all(contractors.map((c) => callAgent(this.o.host, this.clock, c, { t: 'cfp', task: cfp.task, input: cfp.input, deadlineMs: cfp.deadlineMs, ...(cfp.obligations ? { obligations: cfp.obligations } : {}) }, cfp.bidWindowMs, this.o.issuer).then((r) => ({ c, r }))));
    const bids: ContractNetOutcome['bids'] = [];
    const refused: string[] = [];
    for (const { c, r } of answers) {
      const price = r.ok ? r.data.price : undefined;
      if (r.ok && typeof price === 'number' && r.data.bid !== false) bids.push({ contractor: refName(c), price, eta: typeof r.data.eta === 'number' ? r.data.eta : cfp.deadlineMs });
      else refused.push(refName(c));
    }
    bids.sort((a, b) => a.price - b.price || a.eta - b.eta);
    const best = bids[0];
    if (!best) {
      this.o.log?.record({ pattern: 'contract-net', subject: cfp.task, outcome: 'no award', reasons: ['no contractor bid'], participants: [this.o.issuer, ...refused], at: this.clock.now() });
      return { bids, refused, contract: null, result: null };
    }
    const now = this.clock.now();
    const contract: Contract = {
      id: `ct-${cfp.task}-${++this.n}-${now}`, issuer: this.o.issuer, contractor: best.contractor, task: cfp.task,
      terms: { price: best.price, eta: best.eta, input: cfp.input, ...(cfp.obligations ? { obligations: cfp.obligations } : {}) }, status: 'awarded', deadline: now + cfp.deadlineMs, penaltyMicros: cfp.penaltyMicros,
      history: [{ at: now, event: 'awarded', detail: `best of ${bids.length} bids at ${best.price}` }],
    };
    await this.o.contracts.create(contract, now);
    this.o.log?.record({
      pattern: 'contract-net', subject: cfp.task, outcome: `awarded to ${best.contractor}`,
      reasons: [`lowest price ${best.price} of ${bids.length} bids (${bids.map((b) => `${b.contractor}=${b.price}`).join(', ')})`, ...(refused.length ? [`no bid from ${refused.join(', ')}`] : [])],
      participants: [this.o.issuer, ...bids.map((b) => b.contractor)], at: now, data: { contract: contract.id },
    });
    const [agent, id] = splitRef(best.contractor);
    const r = await callAgent(this.o.host, this.clock, { agent, id }, { t: 'perform', contract: contract.id, task: cfp.task, input: cfp.input, deadline: contract.deadline }, cfp.deadlineMs, this.o.issuer);
    const late = this.clock.now() > contract.deadline;
    const ok = r.ok && !late;
    const detail = ok ? 'delivered on time' : r.ok ? 'delivered after the deadline' : `not delivered: ${r.detail}`;
    await this.o.contracts.close(contract.id, ok ? 'fulfilled' : 'breached', this.clock.now(), ok ? detail : `${detail}; penalty ${cfp.penaltyMicros}`);
    this.o.log?.record({ pattern: 'contract-net', subject: contract.id, outcome: ok ? 'fulfilled' : 'breached', reasons: [detail, ...(ok ? [] : [`penalty ${cfp.penaltyMicros} micro-USD charged to ${best.contractor}`])], participants: [best.contractor, this.o.issuer], at: this.clock.now() });
    return { bids, refused, contract: (await this.o.contracts.get(contract.id)) ?? contract, result: ok && r.ok ? (r.data.result ?? null) : null };
  }

  /** Marks awarded contracts past their deadline as breached (run it periodically); returns them. */
  async enforce(): Promise<Contract[]> {
    const now = this.clock.now();
    const out: Contract[] = [];
    for (const c of await this.o.contracts.overdue(now)) if (await this.o.contracts.close(c.id, 'breached', now, `deadline passed; penalty ${c.penaltyMicros}`)) out.push(c);
    return out;
  }
}

function splitRef(name: string): [string, string] {
  const i = name.indexOf(':');
  return [name.slice(0, i), name.slice(i + 1)];
}
