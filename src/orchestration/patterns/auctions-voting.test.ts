import { describe, expect, it } from 'vitest';
import { DoubleAuction, sealedBid, vickrey } from './auctions.js';
import { majority, rankedChoice, weightedVote } from './voting.js';

describe('auctions', () => {
  const bids = [{ bidder: 'a', price: 100 }, { bidder: 'b', price: 140 }, { bidder: 'c', price: 120 }, { bidder: 'd', price: 140 }];
  it('first-price: the highest bid pays its bid (ties to the earlier bid)', () => {
    expect(sealedBid(bids)).toMatchObject({ winner: 'b', price: 140 });
    expect(sealedBid(bids, 200).winner).toBeNull();
  });
  it('Vickrey: the highest bid pays the second price, or the reserve when alone', () => {
    expect(vickrey([{ bidder: 'a', price: 100 }, { bidder: 'b', price: 140 }, { bidder: 'c', price: 120 }])).toMatchObject({ winner: 'b', price: 120 });
    expect(vickrey([{ bidder: 'a', price: 100 }], 50)).toMatchObject({ winner: 'a', price: 50 });
  });
  it('continuous double auction: crosses at the resting price with price-time priority and partial fills', () => {
    const b = new DoubleAuction();
    expect(b.submit({ id: 'a1', trader: 's1', side: 'ask', price: 105, qty: 5 })).toEqual([]);
    expect(b.submit({ id: 'a2', trader: 's2', side: 'ask', price: 100, qty: 2 })).toEqual([]);
    expect(b.submit({ id: 'b1', trader: 'x', side: 'bid', price: 98, qty: 1 })).toEqual([]);
    expect(b.quote()).toEqual({ bid: 98, ask: 100 });
    const t = b.submit({ id: 'b2', trader: 'y', side: 'bid', price: 106, qty: 4 });
    expect(t).toEqual([
      { buyer: 'y', seller: 's2', price: 100, qty: 2, bidId: 'b2', askId: 'a2' },
      { buyer: 'y', seller: 's1', price: 105, qty: 2, bidId: 'b2', askId: 'a1' },
    ]);
    expect(b.book().asks).toEqual([{ id: 'a1', trader: 's1', side: 'ask', price: 105, qty: 3 }]);
    expect(b.submit({ id: 'a3', trader: 's3', side: 'ask', price: 90, qty: 3 })).toEqual([{ buyer: 'x', seller: 's3', price: 98, qty: 1, bidId: 'b1', askId: 'a3' }]);
    expect(b.cancel('a3')).toBe(true);
    expect(b.quote()).toEqual({ bid: null, ask: 105 });
    expect(b.trades).toHaveLength(3);
  });
  it('keeps only the most recent trades in memory', () => {
    const b = new DoubleAuction({ keepTrades: 2 });
    for (let i = 0; i < 5; i++) {
      b.submit({ id: `a${i}`, trader: 's', side: 'ask', price: 10, qty: 1 });
      b.submit({ id: `b${i}`, trader: 'b', side: 'bid', price: 10, qty: 1 });
    }
    expect(b.trades.map((t) => t.bidId)).toEqual(['b3', 'b4']);
    expect(new DoubleAuction({ keepTrades: 0 }).trades).toEqual([]);
  });
});

describe('voting', () => {
  it('majority and weighted votes say who won and whether it is a majority', () => {
    const ballots = [{ voter: 'a', choice: 'x' }, { voter: 'b', choice: 'y' }, { voter: 'c', choice: 'y', weight: 1 }, { voter: 'd', choice: 'x', weight: 5 }];
    expect(majority(['x', 'y'], ballots)).toMatchObject({ winner: 'x', absolute: false, tally: { x: 2, y: 2 } });
    expect(weightedVote(['x', 'y'], ballots)).toMatchObject({ winner: 'x', absolute: true, tally: { x: 6, y: 2 } });
    expect(majority(['x', 'y'], []).winner).toBeNull();
  });
  it('ranked choice eliminates the weakest and transfers its ballots', () => {
    const r = rankedChoice(['a', 'b', 'c'], [
      { voter: '1', choice: ['a', 'c'] }, { voter: '2', choice: ['a'] }, { voter: '3', choice: ['b', 'c'] },
      { voter: '4', choice: ['b', 'c'] }, { voter: '5', choice: ['c', 'b'] },
    ]);
    expect(r.rounds.map((x) => x.eliminated)).toEqual(['c', null]);
    expect(r.winner).toBe('b');
    expect(r.explanation).toMatch(/b wins with 3 of 5 in round 2 after eliminating c/);
  });
});
