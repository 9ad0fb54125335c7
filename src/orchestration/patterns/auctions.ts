/**
 * Market mechanisms: sealed-bid first-price and Vickrey (second-price) auctions, and a
 * continuous double auction (an order book matching bids and asks as they arrive). Prices are
 * integer micro-dollars; ties go to the earlier bid.
 */

/** A sealed bid. */
export interface Bid {
  bidder: string;
  price: number;
}

/** The outcome of a sealed-bid auction. */
export interface AuctionResult {
  kind: 'first-price' | 'vickrey';
  winner: string | null;
  /** What the winner pays. */
  price: number | null;
  /** Bids ranked, best first. */
  ranking: Bid[];
  /** Why, in words. */
  explanation: string;
}

function rank(bids: readonly Bid[], reserve: number): Bid[] {
  return bids
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => Number.isFinite(b.price) && b.price >= reserve)
    .sort((x, y) => y.b.price - x.b.price || x.i - y.i)
    .map(({ b }) => b);
}

/**
 * Sealed-bid first-price: the highest bid at or above the reserve wins and pays its bid.
 * @example
 * ```ts
 * sealedBid([{ bidder: 'a', price: 10 }, { bidder: 'b', price: 12 }]); // b pays 12
 * ```
 */
export function sealedBid(bids: readonly Bid[], reserve = 0): AuctionResult {
  const r = rank(bids, reserve);
  const w = r[0];
  return {
    kind: 'first-price', winner: w?.bidder ?? null, price: w?.price ?? null, ranking: r,
    explanation: w ? `${w.bidder} bid highest (${w.price}) of ${r.length} valid bids and pays its bid` : `no bid reached the reserve ${reserve}`,
  };
}

/**
 * Vickrey (sealed-bid second-price): the highest bid wins and pays the second-highest valid bid
 * (or the reserve when alone), so bidding one's true value is the best strategy.
 * @example
 * ```ts
 * vickrey([{ bidder: 'a', price: 10 }, { bidder: 'b', price: 12 }]); // b pays 10
 * ```
 */
export function vickrey(bids: readonly Bid[], reserve = 0): AuctionResult {
  const r = rank(bids, reserve);
  const w = r[0];
  const price = w ? (r[1]?.price ?? reserve) : null;
  return {
    kind: 'vickrey', winner: w?.bidder ?? null, price, ranking: r,
    explanation: w ? `${w.bidder} bid highest (${w.price}) and pays the second price ${price}${r[1] ? ` (${r[1].bidder}'s bid)` : ' (the reserve)'}` : `no bid reached the reserve ${reserve}`,
  };
}

/** An order in the double auction. */
export interface Order {
  id: string;
  trader: string;
  side: 'bid' | 'ask';
  price: number;
  qty: number;
}

/** A trade. */
export interface Trade {
  buyer: string;
  seller: string;
  price: number;
  qty: number;
  bidId: string;
  askId: string;
}

/**
 * A continuous double auction: an incoming order trades against the best resting orders of the
 * other side while prices cross (at the resting order's price, price-time priority); the rest
 * rests in the book. It is in memory only; the declared double auctions of a node keep theirs in
 * the store (`DurableBook`, durable-book.ts) and use this class as the matching engine.
 * @example
 * ```ts
 * const book = new DoubleAuction();
 * book.submit({ id: 'a1', trader: 's', side: 'ask', price: 100, qty: 5 });
 * book.submit({ id: 'b1', trader: 'b', side: 'bid', price: 105, qty: 3 }); // trades 3 at 100
 * ```
 */
export class DoubleAuction {
  private readonly bids: (Order & { seq: number })[] = [];
  private readonly asks: (Order & { seq: number })[] = [];
  private seq = 0;
  /** The most recent trades, oldest first (at most `keepTrades` of them). */
  readonly trades: Trade[] = [];
  private readonly keepTrades: number;

  /** @param opts.keepTrades - how many recent trades {@link trades} keeps (default 1000; 0 keeps none). */
  constructor(opts: { keepTrades?: number } = {}) {
    this.keepTrades = Math.max(0, opts.keepTrades ?? 1000);
  }

  /** Submits an order; returns the trades it made. */
  submit(o: Order): Trade[] {
    if (!(o.qty > 0) || !Number.isFinite(o.price)) throw new RangeError(`order ${o.id}: qty must be > 0 and price finite`);
    const made: Trade[] = [];
    let left = o.qty;
    const other = o.side === 'bid' ? this.asks : this.bids;
    while (left > 0 && other.length) {
      const best = other[0]!;
      if (o.side === 'bid' ? best.price > o.price : best.price < o.price) break;
      const qty = Math.min(left, best.qty);
      const t: Trade = o.side === 'bid'
        ? { buyer: o.trader, seller: best.trader, price: best.price, qty, bidId: o.id, askId: best.id }
        : { buyer: best.trader, seller: o.trader, price: best.price, qty, bidId: best.id, askId: o.id };
      made.push(t);
      left -= qty;
      best.qty -= qty;
      if (best.qty === 0) other.shift();
    }
    if (left > 0) {
      const mine = o.side === 'bid' ? this.bids : this.asks;
      const entry = { ...o, qty: left, seq: this.seq++ };
      const better = (a: Order & { seq: number }): boolean => (o.side === 'bid' ? a.price >= o.price : a.price <= o.price);
      let i = 0;
      while (i < mine.length && better(mine[i]!)) i++;
      mine.splice(i, 0, entry);
    }
    if (this.keepTrades > 0) {
      this.trades.push(...made);
      if (this.trades.length > this.keepTrades) this.trades.splice(0, this.trades.length - this.keepTrades);
    }
    return made;
  }

  /** Removes a resting order; true when it was there. */
  cancel(id: string): boolean {
    for (const side of [this.bids, this.asks]) {
      const i = side.findIndex((o) => o.id === id);
      if (i >= 0) {
        side.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Best bid and ask now. */
  quote(): { bid: number | null; ask: number | null } {
    return { bid: this.bids[0]?.price ?? null, ask: this.asks[0]?.price ?? null };
  }

  /** Resting orders (bids best first, asks best first). */
  book(): { bids: Order[]; asks: Order[] } {
    return { bids: this.bids.map(({ seq: _s, ...o }) => o), asks: this.asks.map(({ seq: _s, ...o }) => o) };
  }
}
