/**
 * The market ledger's contract as a test suite, run on SQLite (unit) and PostgreSQL (integration).
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../store/types.js';
import { MarketLedger, USD } from './market-ledger.js';

const M = 1_000_000;

/** Runs the ledger suite on stores made by `open` (migrated). */
export function ledgerSuite(name: string, open: () => Promise<Store>): void {
  describe(`MarketLedger on ${name}`, () => {
    const setup = async (market: string): Promise<{ store: Store; ledger: MarketLedger }> => {
      const store = await open();
      const ledger = new MarketLedger(store, market, { approvalAboveMicros: 1000 * M });
      await ledger.open([
        { account: 'b1', asset: USD, amount: 5000 * M },
        { account: 's1', asset: 'sku-1', amount: 10 },
        { account: 's1', asset: USD, amount: 0 },
      ]);
      await ledger.postNeed({ id: 'n1', buyer: 'b1', sku: 'sku-1', qty: 3, limitMicros: 120 * M, postedAt: 0, deadline: 60_000, status: 'open' });
      return { store, ledger };
    };

    it('settles a committed deal exactly once, even when settlement is retried concurrently', async () => {
      const { store, ledger } = await setup('once');
      expect(await ledger.commit({ id: 'n1', buyer: 'b1', seller: 's1', mediator: 'm1', sku: 'sku-1', qty: 3, amountMicros: 300 * M, attempt: 1 }, 1)).toBe('committed');
      const results = await Promise.all(Array.from({ length: 8 }, () => ledger.settle('n1', 1, 2)));
      expect(results.filter((r) => r.status === 'settled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(7);
      expect(await ledger.balances('b1')).toEqual({ usd: 4700 * M, 'sku-1': 3 });
      expect(await ledger.balances('s1')).toEqual({ usd: 300 * M, 'sku-1': 7 });
      const c = await ledger.check();
      expect(c).toMatchObject({ totals: { usd: 5000 * M, 'sku-1': 10 }, negativeAccounts: 0, settlements: 1, settledDeals: 1, mismatchedSettlements: 0 });
      await store.close();
    });

    it('one contract per need: a duplicate commit is `exists`, another attempt is `conflict` until the first is void', async () => {
      const { store, ledger } = await setup('commit');
      const terms = { id: 'n1', buyer: 'b1', seller: 's1', mediator: 'm1', sku: 'sku-1', qty: 3, amountMicros: 300 * M, attempt: 1 };
      expect(await ledger.commit(terms, 1)).toBe('committed');
      expect(await ledger.commit(terms, 2)).toBe('exists');
      expect(await ledger.commit({ ...terms, attempt: 2, amountMicros: 330 * M }, 3)).toBe('conflict');
      expect(await ledger.void('n1', 1, 4)).toBe(true);
      expect(await ledger.commit({ ...terms, attempt: 2, amountMicros: 330 * M }, 5)).toBe('committed');
      expect((await ledger.settle('n1', 1, 6)).status).toBe('refused'); // the void attempt cannot settle
      expect((await ledger.settle('n1', 2, 7)).status).toBe('settled');
      await store.close();
    });

    it('refuses (and changes nothing) without funds, without stock, or above the limit without approval', async () => {
      const { store, ledger } = await setup('refuse');
      await ledger.commit({ id: 'n1', buyer: 'b1', seller: 's1', mediator: 'm1', sku: 'sku-1', qty: 3, amountMicros: 1500 * M, attempt: 1 }, 1);
      const r = await ledger.settle('n1', 1, 2);
      expect(r).toEqual({ status: 'refused', reason: expect.stringMatching(/needs an approval/) });
      expect(await ledger.approve('n1', 1, 'apr_1', 3)).toBe(true);
      expect((await ledger.settle('n1', 1, 4)).status).toBe('settled');
      await ledger.postNeed({ id: 'n2', buyer: 'b1', sku: 'sku-1', qty: 9, limitMicros: 100 * M, postedAt: 0, deadline: 1, status: 'open' });
      await ledger.commit({ id: 'n2', buyer: 'b1', seller: 's1', mediator: 'm1', sku: 'sku-1', qty: 9, amountMicros: 900 * M, attempt: 2 }, 5);
      expect(await ledger.settle('n2', 2, 6)).toEqual({ status: 'refused', reason: expect.stringMatching(/fewer than 9/) });
      expect(await ledger.balances('b1')).toEqual({ usd: 3500 * M, 'sku-1': 3 });
      await store.close();
    });

    it('check() sees money created outside a settlement and a settlement without its deal', async () => {
      const { store, ledger } = await setup('tamper');
      await ledger.commit({ id: 'n1', buyer: 'b1', seller: 's1', mediator: 'm1', sku: 'sku-1', qty: 3, amountMicros: 300 * M, attempt: 1 }, 1);
      await ledger.settle('n1', 1, 2);
      const before = await ledger.totals();
      await sql`UPDATE orch_accounts SET amount = amount + 1 WHERE market = 'tamper' AND account = 'b1' AND asset = 'usd'`.execute(store.db);
      await sql`UPDATE orch_deals SET amount_micros = 1 WHERE market = 'tamper' AND id = 'n1'`.execute(store.db);
      const c = await ledger.check();
      expect(c.totals.usd).toBe(before.usd! + 1);
      expect(c.mismatchedSettlements).toBe(1);
      expect(await ledger.closeNeed('n1', 'served', 3)).toBe(true);
      expect(await ledger.closeNeed('n1', 'expired', 4)).toBe(false);
      await store.close();
    });
  });
}
