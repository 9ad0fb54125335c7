/**
 * The durable double-auction book's tables (migration 013) and the reads over them: rebuilding
 * the matching engine from the resting orders, an order's own trades, and the trade history.
 */
import type { Kysely } from 'kysely';
import { InternalError } from '../../errors.js';
import type { StoreDatabase } from '../../store/db-schema.js';
import { DoubleAuction, type Order, type Trade } from './auctions.js';

interface BooksTable { book: string; version: number; updated_at: number }
interface BookOrdersTable {
  book: string; id: string; seq: number; trader: string; side: string; price_micros: number; qty: number; open_qty: number;
  status: string; placed_at: number; closed_at: number | null;
}
interface BookTradesTable {
  book: string; seq: number; n: number; bid_id: string; ask_id: string; buyer: string; seller: string; price_micros: number; qty: number; at: number;
}

/** The tables, for `store.db.withTables<BookTables>()`. */
export type BookTables = { orch_books: BooksTable; orch_book_orders: BookOrdersTable; orch_book_trades: BookTradesTable };
/** A Kysely handle (or transaction) that sees the book tables. */
export type BookDb = Kysely<StoreDatabase & BookTables>;

/** A stored order's life: resting, filled completely, or withdrawn. */
export type OrderStatus = 'open' | 'filled' | 'cancelled';

/** An order as stored. */
export interface StoredOrder extends Order {
  /** The book version that placed it (its time priority, and the key of its trades). */
  seq: number;
  /** Quantity still resting (or withdrawn, when cancelled). */
  openQty: number;
  status: OrderStatus;
}

/** A trade as stored: the trade plus when it was made (ms since the epoch). */
export interface StoredTrade extends Trade {
  at: number;
}

const num = (v: unknown): number => Number(v);

/** The book's version now (0 when the book has no row yet). */
export async function bookVersion(db: BookDb, book: string): Promise<number> {
  const r = await db.selectFrom('orch_books').select('version').where('book', '=', book).executeTakeFirst();
  return r ? num(r.version) : 0;
}

/**
 * Takes the book's row lock by bumping its version (creating the row at version 1 when missing);
 * returns the new version. Every writer of a book does this first, so they run one at a time.
 */
export async function bumpVersion(db: BookDb, book: string, now: number): Promise<number> {
  for (let i = 0; i < 2; i++) {
    const r = await db.updateTable('orch_books').set((eb) => ({ version: eb('version', '+', 1), updated_at: now })).where('book', '=', book).returning('version').executeTakeFirst();
    if (r) return num(r.version);
    await db.insertInto('orch_books').values({ book, version: 0, updated_at: now }).onConflict((oc) => oc.column('book').doNothing()).execute();
  }
  throw new InternalError(`the row of double auction '${book}' could not be created`);
}

/** One stored order. */
export async function storedOrder(db: BookDb, book: string, id: string): Promise<StoredOrder | undefined> {
  const r = await db.selectFrom('orch_book_orders').selectAll().where('book', '=', book).where('id', '=', id).executeTakeFirst();
  return r && {
    id: r.id, trader: r.trader, side: r.side as Order['side'], price: num(r.price_micros), qty: num(r.qty),
    seq: num(r.seq), openQty: num(r.open_qty), status: r.status as OrderStatus,
  };
}

/**
 * Rebuilds the matching engine from the resting orders, in their time priority. A resting book
 * never crosses, so replaying it makes no trade; one that does means the stored book is corrupt.
 */
export async function loadEngine(db: BookDb, book: string): Promise<DoubleAuction> {
  const rows = await db.selectFrom('orch_book_orders').select(['id', 'trader', 'side', 'price_micros', 'open_qty'])
    .where('book', '=', book).where('status', '=', 'open').orderBy('seq').execute();
  const engine = new DoubleAuction({ keepTrades: 0 });
  for (const r of rows) {
    const made = engine.submit({ id: r.id, trader: r.trader, side: r.side as Order['side'], price: num(r.price_micros), qty: num(r.open_qty) });
    if (made.length) throw new InternalError(`double auction '${book}': resting order '${r.id}' crosses the stored book`);
  }
  return engine;
}

/** The trades made by the order placed at version `seq`, in order. */
export async function tradesOf(db: BookDb, book: string, seq: number): Promise<Trade[]> {
  const rows = await db.selectFrom('orch_book_trades').selectAll().where('book', '=', book).where('seq', '=', seq).orderBy('n').execute();
  return rows.map(tradeOf);
}

/** The newest `limit` trades of a book, oldest first. */
export async function recentTrades(db: BookDb, book: string, limit: number): Promise<StoredTrade[]> {
  const rows = await db.selectFrom('orch_book_trades').selectAll().where('book', '=', book).orderBy('seq', 'desc').orderBy('n', 'desc').limit(limit).execute();
  return rows.reverse().map((r) => ({ ...tradeOf(r), at: num(r.at) }));
}

function tradeOf(r: BookTradesTable): Trade {
  return { buyer: r.buyer, seller: r.seller, price: num(r.price_micros), qty: num(r.qty), bidId: r.bid_id, askId: r.ask_id };
}
