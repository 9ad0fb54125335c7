/**
 * The seller agent: announces its listings, holds stock for a mediator's match, and answers a
 * buyer's offers with counter-offers that concede from its ask toward its reserve (some moves from
 * a model through the gateway). Holds and negotiations live in memory; its stock is a cache of
 * the ledger (reloaded after a crash), and the ledger refuses any settlement it cannot cover.
 */
import { defineAgent } from '../../../runtime/define-agent.js';
import { clampMove, priceAt, sellerAccepts, STRATEGIES } from '../../negotiation/concession.js';
import type { MarketEnv } from '../market-env.js';
import { unwrap, wrap, type MarketMsg } from '../messages.js';

interface Hold {
  attempt: number;
  sku: string;
  qty: number;
}

interface Neg {
  attempt: number;
  buyer: string;
  mediator: string;
  sku: string;
  round: number;
  ask: number;
  done: boolean;
  last: MarketMsg | null;
}

/** The seller's state. */
export interface SellerState {
  stock: Record<string, number>;
  reserve: Record<string, number>;
  ask: Record<string, number>;
  held: Record<string, Hold>;
  neg: Record<string, Neg>;
  settled: Record<string, true>;
}

/** The seller agent type for market `env`. */
export function sellerAgent(env: MarketEnv) {
  const strategy = (me: string): number => {
    const u = env.rand('seller-strategy', me);
    return u < 0.3 ? STRATEGIES.conceder : u < 0.7 ? STRATEGIES.linear : STRATEGIES.boulware;
  };
  return defineAgent<SellerState>({
    name: 'seller',
    description: 'Sells its inventory at or above its reserve prices.',
    skills: ['negotiate sales'],
    state: { stock: {}, reserve: {}, ask: {}, held: {}, neg: {}, settled: {} },
    model: 'negotiator',
    handlers: {
      /** On spawn: the catalogue and opening stock; after a crash: stock from the ledger. */
      async onActivate(ctx, message) {
        const me = `seller-${ctx.id}`;
        const reason = message.parts[0]?.kind === 'data' ? message.parts[0].data.reason : 'spawn';
        const s = ctx.state;
        const mine = env.scenario.listings.filter((l) => l.seller === me);
        for (const l of mine) {
          s.reserve[l.sku] = l.reserveMicros;
          s.ask[l.sku] = l.askMicros;
          s.stock[l.sku] = l.stock;
        }
        if (reason === 'restart') {
          try {
            const b = await env.ledger.balances(me);
            for (const l of mine) s.stock[l.sku] = b[l.sku] ?? 0;
          } catch (e) {
            env.transient(e);
          }
        }
        if (reason !== 'reactivate') env.announce(me, mine.map((l) => ({ sku: l.sku, stock: s.stock[l.sku] ?? 0, reserve: l.reserveMicros, ask: l.askMicros })));
      },
      async onMessage(ctx, message) {
        const m = unwrap(message);
        if (!m) return;
        const me = `seller-${ctx.id}`;
        const s = ctx.state;
        switch (m.t) {
          case 'hold': {
            const h = s.held[m.deal];
            if (h && h.attempt === m.attempt) {
              env.send(me, m.mediator, { t: 'held', deal: m.deal, attempt: m.attempt, seller: me });
              return;
            }
            if (available(s, m.sku) >= m.qty && s.reserve[m.sku] !== undefined) {
              s.held[m.deal] = { attempt: m.attempt, sku: m.sku, qty: m.qty };
              env.log(m.deal, 'held', me, { qty: m.qty, sku: m.sku });
              env.send(me, m.mediator, { t: 'held', deal: m.deal, attempt: m.attempt, seller: me });
              await ctx.schedule(env.cfg.negotiationTimeoutMs * 3, 'onMessage', wrap({ t: 'expire-hold', deal: m.deal, attempt: m.attempt }));
            } else {
              env.log(m.deal, 'no-stock', me);
              env.send(me, m.mediator, { t: 'no-stock', deal: m.deal, attempt: m.attempt, seller: me });
            }
            return;
          }
          case 'offer': {
            let n = s.neg[m.deal];
            if (n && n.attempt === m.attempt && m.round <= n.round) {
              if (n.last && m.round === n.round) env.send(me, m.buyer, n.last); // the buyer did not get our answer
              return;
            }
            if (!n || n.attempt !== m.attempt) {
              const h = s.held[m.deal];
              if (!h || h.attempt !== m.attempt) {
                // A crash lost the hold: take it again if the stock is there, else tell the mediator.
                if (available(s, m.sku) < m.qty || s.reserve[m.sku] === undefined) {
                  env.send(me, m.mediator, { t: 'no-stock', deal: m.deal, attempt: m.attempt, seller: me });
                  return;
                }
                s.held[m.deal] = { attempt: m.attempt, sku: m.sku, qty: m.qty };
              }
              n = s.neg[m.deal] = { attempt: m.attempt, buyer: m.buyer, mediator: m.mediator, sku: m.sku, round: -1, ask: s.ask[m.sku]!, done: false, last: null };
            }
            if (n.done) return;
            const reserve = s.reserve[n.sku]!;
            const c = { open: s.ask[n.sku]!, limit: reserve, rounds: env.cfg.rounds, beta: strategy(me) };
            const rule = priceAt(c, m.round + 1);
            const next = m.round + 1 >= c.rounds ? reserve : clampMove((await env.modelMove(ctx, { side: 'seller', deal: m.deal, round: m.round, rounds: c.rounds, theirs: m.price, limit: reserve, rule })) ?? rule, n.ask, reserve, 'seller');
            n.round = m.round;
            if (sellerAccepts(m.price, next, reserve)) {
              n.done = true;
              env.log(m.deal, 'accept', me, { price: m.price, round: m.round });
              n.last = { t: 'accepted', deal: m.deal, attempt: m.attempt, price: m.price, by: me };
              env.send(me, m.buyer, n.last);
              env.send(me, n.mediator, { t: 'agreed', deal: m.deal, attempt: m.attempt, price: m.price, buyer: m.buyer, seller: me, rounds: m.round + 1, by: me });
              return;
            }
            n.ask = next;
            n.last = { t: 'counter', deal: m.deal, attempt: m.attempt, round: m.round, price: next, seller: me };
            env.log(m.deal, 'counter', me, { round: m.round, price: next });
            env.send(me, m.buyer, n.last);
            return;
          }
          case 'release':
          case 'abort':
          case 'expire-hold':
            if (s.held[m.deal]?.attempt === m.attempt) delete s.held[m.deal];
            if (s.neg[m.deal]?.attempt === m.attempt) delete s.neg[m.deal];
            return;
          case 'settled':
            if (!s.settled[m.deal]) {
              s.settled[m.deal] = true;
              s.stock[m.sku] = Math.max(0, (s.stock[m.sku] ?? 0) - m.qty);
            }
            delete s.held[m.deal];
            delete s.neg[m.deal];
            return;
          default:
            return;
        }
      },
    },
  });
}

function available(s: SellerState, sku: string): number {
  let held = 0;
  for (const h of Object.values(s.held)) if (h.sku === sku) held += h.qty;
  return (s.stock[sku] ?? 0) - held;
}
