/**
 * The marketplace's durable facts on the Store (migration 009): balances of money and goods, the
 * need book, one deal (contract) per need, and one settlement per deal. Every state change is one
 * conditional write or one transaction, so retries, duplicates and crashes cannot apply a change
 * twice: the deal id (= the need id) is the idempotency key of its commitment and settlement.
 */
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';

interface AccountsTable { market: string; account: string; asset: string; amount: number }
interface NeedsTable { market: string; id: string; buyer: string; sku: string; qty: number; limit_micros: number; posted_at: number; deadline: number; status: string; closed_at: number | null }
interface DealsTable {
  market: string; id: string; buyer: string; seller: string; mediator: string; sku: string; qty: number; amount_micros: number;
  status: string; attempt: number; approval_id: string | null; created_at: number; updated_at: number;
}
interface SettlementsTable { market: string; deal_id: string; buyer: string; seller: string; sku: string; qty: number; amount_micros: number; at: number }
type Tables = { orch_accounts: AccountsTable; orch_needs: NeedsTable; orch_deals: DealsTable; orch_settlements: SettlementsTable };

/** Money's asset name; goods use their SKU. */
export const USD = 'usd';

/** A posted need. */
export interface NeedRecord {
  id: string;
  buyer: string;
  sku: string;
  qty: number;
  /** Highest unit price the buyer pays, micro-dollars. */
  limitMicros: number;
  postedAt: number;
  deadline: number;
  status: 'open' | 'served' | 'expired';
}

/** The terms of a deal as committed. */
export interface DealTerms {
  /** Deal id = need id. */
  id: string;
  buyer: string;
  seller: string;
  mediator: string;
  sku: string;
  qty: number;
  amountMicros: number;
  /** The mediator's attempt number for this need (a new attempt may replace a void deal). */
  attempt: number;
}

/** A stored deal. */
export interface DealRecord extends DealTerms {
  status: 'committed' | 'settled' | 'void';
  approvalId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Outcome of a settlement attempt. */
export type SettleResult = { status: 'settled' | 'duplicate' } | { status: 'refused'; reason: string };

/** What the durable facts say about the invariants. */
export interface LedgerCheck {
  totals: Record<string, number>;
  negativeAccounts: number;
  settlements: number;
  settledDeals: number;
  /** Settlements whose deal is missing, not settled, or has other terms. */
  mismatchedSettlements: number;
  /** Deals above the approval threshold settled without an approval. */
  unapprovedLarge: number;
  /** Needs served without a settled deal, or with more than one. */
  servedWithoutSettlement: number;
}

class Refused extends Error {}

const num = (v: unknown): number => Number(v);

/**
 * @example
 * ```ts
 * const ledger = new MarketLedger(store, 'market-1', { approvalAboveMicros: 1_000_000_000 });
 * await ledger.open([{ account: 'buyer-1', asset: USD, amount: 5_000_000_000 }]);
 * ```
 */
export class MarketLedger {
  private db: Kysely<StoreDatabase & Tables>;
  /** Settlement attempts that found the deal already settled (duplicates absorbed). */
  duplicates = 0;

  constructor(store: Pick<Store, 'db'>, readonly market: string, private readonly opts: { approvalAboveMicros: number }) {
    this.db = store.db.withTables<Tables>();
  }

  /** Points the ledger at a reopened store (after a restart). */
  reconnect(store: Pick<Store, 'db'>): void {
    this.db = store.db.withTables<Tables>();
  }

  /** Opening balances (idempotent: an existing account keeps its amount). */
  async open(rows: { account: string; asset: string; amount: number }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200).map((r) => ({ market: this.market, ...r }));
      await this.db.insertInto('orch_accounts').values(chunk).onConflict((oc) => oc.columns(['market', 'account', 'asset']).doNothing()).execute();
    }
  }

  /** One balance (0 when the account holds none of `asset`). */
  async balance(account: string, asset: string): Promise<number> {
    const r = await this.db.selectFrom('orch_accounts').select('amount').where('market', '=', this.market).where('account', '=', account).where('asset', '=', asset).executeTakeFirst();
    return r ? num(r.amount) : 0;
  }

  /** Every balance of `account`. */
  async balances(account: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('orch_accounts').select(['asset', 'amount']).where('market', '=', this.market).where('account', '=', account).execute();
    return Object.fromEntries(rows.map((r) => [r.asset, num(r.amount)]));
  }

  /** Posts a need (idempotent by id); true when new. */
  async postNeed(n: NeedRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('orch_needs')
      .values({ market: this.market, id: n.id, buyer: n.buyer, sku: n.sku, qty: n.qty, limit_micros: n.limitMicros, posted_at: n.postedAt, deadline: n.deadline, status: n.status, closed_at: null })
      .onConflict((oc) => oc.columns(['market', 'id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Open needs (of one buyer, or all). */
  async openNeeds(buyer?: string): Promise<NeedRecord[]> {
    let q = this.db.selectFrom('orch_needs').selectAll().where('market', '=', this.market).where('status', '=', 'open');
    if (buyer) q = q.where('buyer', '=', buyer);
    return (await q.execute()).map(needOf);
  }

  /** One need. */
  async need(id: string): Promise<NeedRecord | undefined> {
    const r = await this.db.selectFrom('orch_needs').selectAll().where('market', '=', this.market).where('id', '=', id).executeTakeFirst();
    return r ? needOf(r) : undefined;
  }

  /** Closes an open need; false when it was not open. */
  async closeNeed(id: string, status: 'served' | 'expired', at: number): Promise<boolean> {
    const r = await this.db.updateTable('orch_needs').set({ status, closed_at: at }).where('market', '=', this.market).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Commits a deal (the contract). `committed`: this attempt holds the need now; `exists`: the
   * same attempt was committed before (a duplicate message); `conflict`: another attempt holds it.
   */
  async commit(d: DealTerms, at: number): Promise<'committed' | 'exists' | 'conflict'> {
    const row: DealsTable = {
      market: this.market, id: d.id, buyer: d.buyer, seller: d.seller, mediator: d.mediator, sku: d.sku, qty: d.qty, amount_micros: d.amountMicros,
      status: 'committed', attempt: d.attempt, approval_id: null, created_at: at, updated_at: at,
    };
    const ins = await this.db.insertInto('orch_deals').values(row).onConflict((oc) => oc.columns(['market', 'id']).doNothing()).executeTakeFirst();
    if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 1) return 'committed';
    const upd = await this.db
      .updateTable('orch_deals')
      .set({ seller: d.seller, mediator: d.mediator, qty: d.qty, amount_micros: d.amountMicros, status: 'committed', attempt: d.attempt, approval_id: null, updated_at: at })
      .where('market', '=', this.market).where('id', '=', d.id).where('status', '=', 'void').where('attempt', '<', d.attempt)
      .executeTakeFirst();
    if (Number(upd.numUpdatedRows) === 1) return 'committed';
    const cur = await this.deal(d.id);
    return cur && cur.attempt === d.attempt && cur.status !== 'void' && cur.seller === d.seller && cur.amountMicros === d.amountMicros ? 'exists' : 'conflict';
  }

  /** Records the approval a deal was granted. */
  async approve(id: string, attempt: number, approvalId: string, at: number): Promise<boolean> {
    const r = await this.db.updateTable('orch_deals').set({ approval_id: approvalId, updated_at: at })
      .where('market', '=', this.market).where('id', '=', id).where('attempt', '=', attempt).where('status', '=', 'committed').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Voids a committed (unsettled) deal of this attempt; false when it was not committed. */
  async void(id: string, attempt: number, at: number): Promise<boolean> {
    const r = await this.db.updateTable('orch_deals').set({ status: 'void', updated_at: at })
      .where('market', '=', this.market).where('id', '=', id).where('attempt', '=', attempt).where('status', '=', 'committed').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** One deal. */
  async deal(id: string): Promise<DealRecord | undefined> {
    const r = await this.db.selectFrom('orch_deals').selectAll().where('market', '=', this.market).where('id', '=', id).executeTakeFirst();
    return r ? dealOf(r) : undefined;
  }

  /** Deals in a status (e.g. committed ones a restarted mediator must finish). */
  async deals(status: DealRecord['status'], mediator?: string): Promise<DealRecord[]> {
    let q = this.db.selectFrom('orch_deals').selectAll().where('market', '=', this.market).where('status', '=', status);
    if (mediator) q = q.where('mediator', '=', mediator);
    return (await q.execute()).map(dealOf);
  }

  /**
   * Settles deal `id` (attempt `attempt`) exactly once: in one transaction the settlement row
   * (primary key = the deal id) is inserted, money moves from buyer to seller and goods from
   * seller to buyer, and the deal becomes `settled`. A repeated call returns `duplicate` and
   * changes nothing; a refused one (no funds, no stock, no approval) changes nothing either.
   */
  async settle(id: string, attempt: number, at: number): Promise<SettleResult> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const d = await tx.selectFrom('orch_deals').selectAll().where('market', '=', this.market).where('id', '=', id).executeTakeFirst();
        if (!d) throw new Refused(`no deal '${id}'`);
        if (d.status === 'settled') return { status: 'duplicate' as const };
        if (d.status !== 'committed' || num(d.attempt) !== attempt) throw new Refused(`deal '${id}' attempt ${attempt} is not committed (${d.status}, attempt ${d.attempt})`);
        const amount = num(d.amount_micros);
        if (amount > this.opts.approvalAboveMicros && !d.approval_id) throw new Refused(`deal '${id}' of ${amount} micro-USD needs an approval`);
        const ins = await tx.insertInto('orch_settlements')
          .values({ market: this.market, deal_id: id, buyer: d.buyer, seller: d.seller, sku: d.sku, qty: d.qty, amount_micros: amount, at })
          .onConflict((oc) => oc.columns(['market', 'deal_id']).doNothing()).executeTakeFirst();
        if (Number(ins.numInsertedOrUpdatedRows ?? 0) !== 1) return { status: 'duplicate' as const };
        const pay = await tx.updateTable('orch_accounts').set((eb) => ({ amount: eb('amount', '-', amount) }))
          .where('market', '=', this.market).where('account', '=', d.buyer).where('asset', '=', USD).where('amount', '>=', amount).executeTakeFirst();
        if (Number(pay.numUpdatedRows) !== 1) throw new Refused(`${d.buyer} cannot pay ${amount} micro-USD`);
        const take = await tx.updateTable('orch_accounts').set((eb) => ({ amount: eb('amount', '-', d.qty) }))
          .where('market', '=', this.market).where('account', '=', d.seller).where('asset', '=', d.sku).where('amount', '>=', d.qty).executeTakeFirst();
        if (Number(take.numUpdatedRows) !== 1) throw new Refused(`${d.seller} has fewer than ${d.qty} of ${d.sku}`);
        await this.credit(tx, d.seller, USD, amount);
        await this.credit(tx, d.buyer, d.sku, d.qty);
        await tx.updateTable('orch_deals').set({ status: 'settled', updated_at: at }).where('market', '=', this.market).where('id', '=', id).execute();
        return { status: 'settled' as const };
      });
    } catch (e) {
      if (e instanceof Refused) return { status: 'refused', reason: e.message };
      throw e;
    }
  }

  /** Totals per asset (conservation: they never change after opening). */
  async totals(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('orch_accounts').select((eb) => ['asset', eb.fn.sum<number>('amount').as('total')]).where('market', '=', this.market).groupBy('asset').execute();
    return Object.fromEntries(rows.map((r) => [r.asset, num(r.total)]));
  }

  /** The invariants as the durable facts show them. */
  async check(): Promise<LedgerCheck> {
    const m = this.market;
    const totals = await this.totals();
    const neg = await this.db.selectFrom('orch_accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('market', '=', m).where('amount', '<', 0).executeTakeFirstOrThrow();
    const st = await this.db.selectFrom('orch_settlements').select((eb) => eb.fn.countAll<number>().as('n')).where('market', '=', m).executeTakeFirstOrThrow();
    const sd = await this.db.selectFrom('orch_deals').select((eb) => eb.fn.countAll<number>().as('n')).where('market', '=', m).where('status', '=', 'settled').executeTakeFirstOrThrow();
    const mism = await this.db
      .selectFrom('orch_settlements as s')
      .leftJoin('orch_deals as d', (j) => j.onRef('d.market', '=', 's.market').onRef('d.id', '=', 's.deal_id'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('s.market', '=', m)
      .where((eb) => eb.or([eb('d.id', 'is', null), eb('d.status', '!=', 'settled'), eb('d.amount_micros', '!=', eb.ref('s.amount_micros')), eb('d.qty', '!=', eb.ref('s.qty')), eb('d.seller', '!=', eb.ref('s.seller'))]))
      .executeTakeFirstOrThrow();
    const big = await this.db.selectFrom('orch_deals').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('market', '=', m).where('status', '=', 'settled').where('amount_micros', '>', this.opts.approvalAboveMicros).where('approval_id', 'is', null).executeTakeFirstOrThrow();
    const served = await this.db
      .selectFrom('orch_needs as n')
      .leftJoin('orch_settlements as s', (j) => j.onRef('s.market', '=', 'n.market').onRef('s.deal_id', '=', 'n.id'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('n.market', '=', m).where('n.status', '=', 'served').where('s.deal_id', 'is', null)
      .executeTakeFirstOrThrow();
    return {
      totals, negativeAccounts: num(neg.n), settlements: num(st.n), settledDeals: num(sd.n), mismatchedSettlements: num(mism.n),
      unapprovedLarge: num(big.n), servedWithoutSettlement: num(served.n),
    };
  }

  private async credit(tx: Kysely<StoreDatabase & Tables>, account: string, asset: string, amount: number): Promise<void> {
    await tx.insertInto('orch_accounts').values({ market: this.market, account, asset, amount })
      .onConflict((oc) => oc.columns(['market', 'account', 'asset']).doUpdateSet((eb) => ({ amount: eb('orch_accounts.amount', '+', amount) })))
      .execute();
  }
}

function needOf(r: NeedsTable): NeedRecord {
  return { id: r.id, buyer: r.buyer, sku: r.sku, qty: num(r.qty), limitMicros: num(r.limit_micros), postedAt: num(r.posted_at), deadline: num(r.deadline), status: r.status as NeedRecord['status'] };
}

function dealOf(r: DealsTable): DealRecord {
  return {
    id: r.id, buyer: r.buyer, seller: r.seller, mediator: r.mediator, sku: r.sku, qty: num(r.qty), amountMicros: num(r.amount_micros), attempt: num(r.attempt),
    status: r.status as DealRecord['status'], approvalId: r.approval_id, createdAt: num(r.created_at), updatedAt: num(r.updated_at),
  };
}
