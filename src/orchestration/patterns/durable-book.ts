/**
 * A double auction whose book lives in the Store (migration 013), so acknowledged orders and
 * trades survive restarts and crashes, and every node sharing one PostgreSQL trades against one
 * book.
 *
 * Each order or cancel is one write transaction whose first statement bumps the book's version
 * (`UPDATE orch_books … RETURNING version`): that row lock serialises the book's writers across
 * nodes (on SQLite, `BEGIN IMMEDIATE`; see store/write-transaction.ts), and inside this process a
 * queue keeps them in call order. The in-memory {@link DoubleAuction} is the matching engine: it is
 * used as is when its version is the one just before the bump (nobody else wrote), and rebuilt
 * from the resting orders otherwise. The order, its trades and the resting orders it filled are
 * written in the same transaction, each fill as a conditional update that must find the resting
 * quantity the engine matched; the answer is given only after the commit.
 *
 * Order ids are unique per book and are the idempotency key: a retry with the same id and the same
 * terms returns the original outcome (its trades, `replayed: true`) and trades nothing; the same id
 * with other terms is a {@link ConflictError}.
 */
import { ConflictError, InternalError, InvalidRequestError, NotFoundError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import { writeTransaction } from '../../store/write-transaction.js';
import type { Clock } from '../clock.js';
import type { DoubleAuction, Order, Trade } from './auctions.js';
import { bookVersion, bumpVersion, loadEngine, recentTrades, storedOrder, tradesOf, type BookDb, type BookTables, type StoredTrade } from './book-tables.js';

/** What submitting an order did. */
export interface OrderOutcome {
  id: string;
  /** The trades the order made when it was placed. */
  trades: Trade[];
  /** What of it rested in the book when it was placed. */
  resting: number;
  /** True when the order id was placed before with the same terms: nothing was traded now. */
  replayed: boolean;
}

/** What cancelling an order did. */
export interface CancelOutcome {
  id: string;
  /** Quantity taken out of the book. */
  withdrawn: number;
  /** True when it had been cancelled before (nothing changed now). */
  replayed: boolean;
}

/** A book's state: best prices, resting orders (best first) and the newest trades (oldest first). */
export interface BookView {
  quote: { bid: number | null; ask: number | null };
  book: { bids: Order[]; asks: Order[] };
  trades: StoredTrade[];
}

/** The engine in memory and the book version it reflects. */
interface Cached {
  version: number;
  engine: DoubleAuction;
}

/** The engine and the store disagree (a bug, or a write that bypassed the book): reload and retry once. */
class Diverged extends Error {}

/** Trades a book view shows by default. */
export const VIEW_TRADES = 100;

/**
 * @example
 * ```ts
 * const book = await DurableBook.open(store, 'spot', new RealClock());
 * await book.submit({ id: 'a1', trader: 's1', side: 'ask', price: 10_000_000, qty: 5 });
 * const { trades } = await book.submit({ id: 'b1', trader: 'b1', side: 'bid', price: 12_000_000, qty: 3 }); // 3 at 10 USD
 * ```
 */
export class DurableBook {
  private readonly db: BookDb;
  private cached: Cached | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: Pick<Store, 'db' | 'kind'>, readonly name: string, private readonly clock: Pick<Clock, 'now'>) {
    this.db = store.db.withTables<BookTables>();
  }

  /** Opens book `name`, rebuilding its engine from the store. */
  static async open(store: Pick<Store, 'db' | 'kind'>, name: string, clock: Pick<Clock, 'now'>): Promise<DurableBook> {
    const b = new DurableBook(store, name, clock);
    await b.serial(() => b.current());
    return b;
  }

  /**
   * Places an order: matches it against the book and commits it, its trades and the fills of the
   * resting orders in one transaction. Prices are integer micro-dollars.
   * @throws InvalidRequestError for a bad quantity or price; ConflictError when the id was used with other terms.
   */
  async submit(o: Order): Promise<OrderOutcome> {
    if (!o.id) throw new InvalidRequestError('an order needs an id', { param: 'id' });
    if (!Number.isSafeInteger(o.qty) || o.qty <= 0) throw new InvalidRequestError(`order ${o.id}: qty must be a whole number above 0, got ${o.qty}`, { param: 'qty' });
    if (!Number.isSafeInteger(o.price) || o.price < 0) throw new InvalidRequestError(`order ${o.id}: price must be whole micro-dollars, 0 or more, got ${o.price}`, { param: 'price' });
    // A placed order and its trades never change: a retry is answered without taking the lock.
    const early = await this.replay(this.db, o);
    if (early) return early;
    return this.serial(() => this.retryOnce(() => this.write<OrderOutcome>(async (tx, version) => {
      const replayed = await this.replay(tx, o); // placed by another request since the look above
      if (replayed) return { changed: false, result: replayed };
      const engine = await this.engineAt(tx, version - 1);
      const trades = engine.submit(o);
      const now = this.clock.now();
      const resting = o.qty - trades.reduce((s, t) => s + t.qty, 0);
      await tx.insertInto('orch_book_orders').values({
        book: this.name, id: o.id, seq: version, trader: o.trader, side: o.side, price_micros: o.price, qty: o.qty, open_qty: resting,
        status: resting > 0 ? 'open' : 'filled', placed_at: now, closed_at: resting > 0 ? null : now,
      }).execute();
      for (const [n, t] of trades.entries()) {
        const maker = o.side === 'bid' ? t.askId : t.bidId;
        const left = await tx.updateTable('orch_book_orders').set((eb) => ({ open_qty: eb('open_qty', '-', t.qty) }))
          .where('book', '=', this.name).where('id', '=', maker).where('status', '=', 'open').where('open_qty', '>=', t.qty)
          .returning('open_qty').executeTakeFirst();
        if (!left) throw new Diverged(`resting order '${maker}' cannot give ${t.qty}`);
        if (Number(left.open_qty) === 0) await tx.updateTable('orch_book_orders').set({ status: 'filled', closed_at: now }).where('book', '=', this.name).where('id', '=', maker).execute();
        await tx.insertInto('orch_book_trades').values({
          book: this.name, seq: version, n, bid_id: t.bidId, ask_id: t.askId, buyer: t.buyer, seller: t.seller, price_micros: t.price, qty: t.qty, at: now,
        }).execute();
      }
      return { changed: true, engine, result: { id: o.id, trades, resting, replayed: false } };
    })));
  }

  /** The original outcome when order `o.id` was placed before with the same terms; undefined when it was not. */
  private async replay(db: BookDb, o: Order): Promise<OrderOutcome | undefined> {
    const prior = await storedOrder(db, this.name, o.id);
    if (!prior) return undefined;
    if (prior.trader !== o.trader || prior.side !== o.side || prior.price !== o.price || prior.qty !== o.qty)
      throw new ConflictError(
        `order id '${o.id}' was already used in double auction '${this.name}' for ${prior.side} ${prior.qty} at ${prior.price} micro-USD by ${prior.trader}; ` +
          'a retry must repeat the same terms, a new order needs a new id',
        { param: 'id' },
      );
    const trades = await tradesOf(db, this.name, prior.seq);
    return { id: o.id, trades, resting: prior.qty - trades.reduce((s, t) => s + t.qty, 0), replayed: true };
  }

  /**
   * Withdraws what rests of an order. Cancelling a cancelled order again changes nothing.
   * @throws NotFoundError for an unknown id; ConflictError when the order is already filled.
   */
  cancel(id: string): Promise<CancelOutcome> {
    return this.serial(() => this.retryOnce(() => this.write<CancelOutcome>(async (tx, version) => {
      const o = await storedOrder(tx, this.name, id);
      if (!o) throw new NotFoundError(`no order '${id}' in double auction '${this.name}'`);
      if (o.status === 'cancelled') return { changed: false, result: { id, withdrawn: o.openQty, replayed: true } };
      if (o.status === 'filled') throw new ConflictError(`order '${id}' in double auction '${this.name}' is filled: nothing rests to cancel`);
      const engine = await this.engineAt(tx, version - 1);
      if (!engine.cancel(id)) throw new Diverged(`order '${id}' is open in the store but not in the book`);
      const r = await tx.updateTable('orch_book_orders').set({ status: 'cancelled', closed_at: this.clock.now() })
        .where('book', '=', this.name).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new Diverged(`order '${id}' stopped being open`);
      return { changed: true, engine, result: { id, withdrawn: o.openQty, replayed: false } };
    })));
  }

  /** Best prices, resting orders and the newest `trades` trades, as the store has them now. */
  view(trades = VIEW_TRADES): Promise<BookView> {
    return this.serial(async () => {
      const engine = await this.current();
      return { quote: engine.quote(), book: engine.book(), trades: await recentTrades(this.db, this.name, trades) };
    });
  }

  /** The newest `limit` trades, oldest first. */
  trades(limit: number): Promise<StoredTrade[]> {
    return recentTrades(this.db, this.name, limit);
  }

  /** The engine for the stored book now: the cached one when its version is current, else rebuilt from a consistent read. */
  private async current(): Promise<DoubleAuction> {
    const version = await bookVersion(this.db, this.name);
    if (this.cached?.version === version) return this.cached.engine;
    const read = async (tx: BookDb): Promise<Cached> => ({ version: await bookVersion(tx, this.name), engine: await loadEngine(tx, this.name) });
    const t = this.db.transaction();
    this.cached = await (this.store.kind === 'postgres' ? t.setIsolationLevel('repeatable read') : t).execute(read);
    return this.cached.engine;
  }

  /** Inside the locked section: the engine as of `version` (the version before this write's bump). */
  private async engineAt(tx: BookDb, version: number): Promise<DoubleAuction> {
    const c = this.cached;
    this.cached = null; // the engine is about to change; it is cached again only after the commit
    return c?.version === version ? c.engine : loadEngine(tx, this.name);
  }

  /** One write transaction under the book's lock; caches the engine it changed once committed. */
  private async write<R>(fn: (tx: BookDb, version: number) => Promise<{ changed: false; result: R } | { changed: true; engine: DoubleAuction; result: R }>): Promise<R> {
    const before = this.cached;
    const { version, out } = await writeTransaction({ kind: this.store.kind, db: this.db }, async (tx) => {
      const version = await bumpVersion(tx, this.name, this.clock.now());
      return { version, out: await fn(tx, version) };
    });
    if (out.changed) this.cached = { version, engine: out.engine };
    else if (before && before === this.cached && before.version === version - 1) before.version = version;
    return out.result;
  }

  private async retryOnce<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof Diverged)) throw e;
      this.cached = null;
      try {
        return await fn();
      } catch (again) {
        if (again instanceof Diverged) throw new InternalError(`double auction '${this.name}': the book in memory and the store disagree (${again.message})`, { cause: again });
        throw again;
      }
    }
  }

  /** Runs book operations of this process one at a time, in call order. */
  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
