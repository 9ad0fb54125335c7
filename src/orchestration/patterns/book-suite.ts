/**
 * The durable double-auction book's contract as a test suite, run on SQLite (unit) and
 * PostgreSQL (integration): orders survive a reopened store, two book instances on one database
 * never fill a resting order twice, a retried order id never trades twice, cancels are durable.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import type { Order, Trade } from './auctions.js';
import type { BookTables } from './book-tables.js';
import { DurableBook, type OrderOutcome } from './durable-book.js';

const M = 1_000_000;
const clock = { now: () => 1_700_000_000_000 };

/** A deterministic pseudo-random sequence (the concurrency test's orders). */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Runs the book suite on stores made by `open` (migrated; every call a new `Store` on the same database). */
export function bookSuite(name: string, open: () => Promise<Store>): void {
  describe(`DurableBook on ${name}`, () => {
    it('keeps resting orders and trades across a reopened store, and matches against them in time priority', async () => {
      let store = await open();
      let book = await DurableBook.open(store, 'restart', clock);
      expect((await book.submit({ id: 'a1', trader: 's1', side: 'ask', price: 10 * M, qty: 5 })).trades).toEqual([]);
      await book.submit({ id: 'a2', trader: 's2', side: 'ask', price: 10 * M, qty: 5 });
      await book.submit({ id: 'a3', trader: 's3', side: 'ask', price: 9 * M, qty: 1 });
      await book.submit({ id: 'b0', trader: 'b0', side: 'bid', price: 8 * M, qty: 2 });
      await store.close();

      store = await open();
      book = await DurableBook.open(store, 'restart', clock);
      expect((await book.view()).quote).toEqual({ bid: 8 * M, ask: 9 * M });
      const r = await book.submit({ id: 'b1', trader: 'b1', side: 'bid', price: 12 * M, qty: 7 });
      expect(r).toEqual({
        id: 'b1', resting: 0, replayed: false,
        trades: [
          { buyer: 'b1', seller: 's3', price: 9 * M, qty: 1, bidId: 'b1', askId: 'a3' },
          { buyer: 'b1', seller: 's1', price: 10 * M, qty: 5, bidId: 'b1', askId: 'a1' },
          { buyer: 'b1', seller: 's2', price: 10 * M, qty: 1, bidId: 'b1', askId: 'a2' },
        ],
      });
      await store.close();

      store = await open();
      book = await DurableBook.open(store, 'restart', clock);
      const v = await book.view();
      expect(v.book).toEqual({ bids: [{ id: 'b0', trader: 'b0', side: 'bid', price: 8 * M, qty: 2 }], asks: [{ id: 'a2', trader: 's2', side: 'ask', price: 10 * M, qty: 4 }] });
      expect(v.trades.map((t) => [t.askId, t.qty, t.at])).toEqual([['a3', 1, clock.now()], ['a1', 5, clock.now()], ['a2', 1, clock.now()]]);
      expect((await book.trades(2)).map((t) => t.askId)).toEqual(['a1', 'a2']);
      await store.close();
    });

    it('two book instances on one database never fill a resting order twice, and agree on the book', async () => {
      const [s1, s2] = [await open(), await open()];
      const books = [await DurableBook.open(s1, 'race', clock), await DurableBook.open(s2, 'race', clock)];
      const next = rng(7);
      const orders: Order[] = Array.from({ length: 120 }, (_, i) => ({
        id: `o${i}`, trader: `t${i % 9}`, side: i % 2 ? 'bid' : 'ask', price: (95 + Math.floor(next() * 10)) * M, qty: 1 + Math.floor(next() * 4),
      }));
      const outcomes = await Promise.all(orders.map((o, i) => books[Math.floor(i / 3) % 2]!.submit(o)));
      const acked: Trade[] = outcomes.flatMap((r) => r.trades);
      expect(acked.length).toBeGreaterThan(20);

      const filled = new Map<string, number>();
      for (const t of acked) for (const id of [t.bidId, t.askId]) filled.set(id, (filled.get(id) ?? 0) + t.qty);
      for (const o of orders) expect(filled.get(o.id) ?? 0).toBeLessThanOrEqual(o.qty);

      const db = s1.db.withTables<BookTables>();
      const stored = await db.selectFrom('orch_book_trades').select(['bid_id', 'ask_id', 'qty']).where('book', '=', 'race').execute();
      expect(stored).toHaveLength(acked.length); // every acknowledged trade stored once, none unacknowledged
      const rows = await db.selectFrom('orch_book_orders').select(['id', 'qty', 'open_qty', 'status']).where('book', '=', 'race').execute();
      expect(rows).toHaveLength(orders.length);
      for (const r of rows) {
        expect(Number(r.open_qty)).toBe(Number(r.qty) - (filled.get(r.id) ?? 0));
        expect(r.status).toBe(Number(r.open_qty) > 0 ? 'open' : 'filled');
      }
      const [v1, v2] = [await books[0]!.view(1000), await books[1]!.view(1000)];
      expect(v1).toEqual(v2);
      if (v1.quote.bid !== null && v1.quote.ask !== null) expect(v1.quote.bid).toBeLessThan(v1.quote.ask);
      await s1.close();
      await s2.close();
    });

    it('a retried order id returns the original outcome and trades nothing; other terms under that id are refused', async () => {
      const [s1, s2] = [await open(), await open()];
      const [x, y] = [await DurableBook.open(s1, 'retry', clock), await DurableBook.open(s2, 'retry', clock)];
      await x.submit({ id: 'a1', trader: 's1', side: 'ask', price: 10 * M, qty: 2 });
      await x.submit({ id: 'a2', trader: 's2', side: 'ask', price: 10 * M, qty: 2 });
      const bid: Order = { id: 'b1', trader: 'b1', side: 'bid', price: 11 * M, qty: 2 };
      const first = await x.submit(bid);
      const retries = await Promise.all([x.submit(bid), y.submit(bid), y.submit(bid)]);
      for (const r of retries) expect(r).toEqual({ ...first, replayed: true });
      expect((await y.view()).book.asks).toEqual([{ id: 'a2', trader: 's2', side: 'ask', price: 10 * M, qty: 2 }]);

      const racing: Order = { id: 'b2', trader: 'b2', side: 'bid', price: 11 * M, qty: 1 };
      const both: OrderOutcome[] = await Promise.all([x.submit(racing), y.submit(racing)]);
      expect(both.filter((r) => !r.replayed)).toHaveLength(1);
      expect((await x.trades(100)).filter((t) => t.bidId === 'b2')).toHaveLength(1);
      expect((await x.view()).book.asks).toEqual([{ id: 'a2', trader: 's2', side: 'ask', price: 10 * M, qty: 1 }]);

      const other = y.submit({ ...bid, qty: 3 });
      await expect(other).rejects.toBeInstanceOf(ConflictError);
      await expect(other).rejects.toThrow(/order id 'b1' was already used in double auction 'retry'/);
      await expect(x.submit({ ...bid, id: 'b3', qty: 0 })).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(x.submit({ ...bid, id: 'b4', price: 1.5 })).rejects.toBeInstanceOf(InvalidRequestError);
      await s1.close();
      await s2.close();
    });

    it('cancels durably: the order leaves the book for every instance and for a reopened store', async () => {
      const [s1, s2] = [await open(), await open()];
      const [x, y] = [await DurableBook.open(s1, 'cancel', clock), await DurableBook.open(s2, 'cancel', clock)];
      await x.submit({ id: 'a1', trader: 's1', side: 'ask', price: 10 * M, qty: 3 });
      await x.submit({ id: 'a2', trader: 's2', side: 'ask', price: 11 * M, qty: 1 });
      await x.submit({ id: 'b1', trader: 'b1', side: 'bid', price: 10 * M, qty: 1 });
      expect(await y.cancel('a1')).toEqual({ id: 'a1', withdrawn: 2, replayed: false });
      expect(await x.cancel('a1')).toEqual({ id: 'a1', withdrawn: 2, replayed: true });
      await expect(x.cancel('b1')).rejects.toBeInstanceOf(ConflictError);
      await expect(x.cancel('nope')).rejects.toBeInstanceOf(NotFoundError);
      expect((await x.submit({ id: 'b2', trader: 'b2', side: 'bid', price: 11 * M, qty: 1 })).trades).toEqual([
        { buyer: 'b2', seller: 's2', price: 11 * M, qty: 1, bidId: 'b2', askId: 'a2' },
      ]);
      await s1.close();
      await s2.close();
      const s3 = await open();
      expect((await (await DurableBook.open(s3, 'cancel', clock)).view()).book).toEqual({ bids: [], asks: [] });
      await s3.close();
    });
  });
}
