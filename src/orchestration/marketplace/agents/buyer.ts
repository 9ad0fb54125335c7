/**
 * The buyer agent: posts its needs and negotiates with the seller a mediator found, by
 * alternating offers (it opens low and concedes toward its limit; some moves come from a model
 * through the gateway). Its negotiation state lives in memory: a crash loses it, and the
 * mediator's timeout then restarts the match. Lost messages are retransmitted.
 */
import { defineAgent } from '../../../runtime/define-agent.js';
import { buyerAccepts, clampMove, priceAt, STRATEGIES } from '../../negotiation/concession.js';
import type { MarketEnv } from '../market-env.js';
import { unwrap, wrap } from '../messages.js';

interface Neg {
  attempt: number;
  seller: string;
  mediator: string;
  round: number;
  bid: number;
  limit: number;
  done: boolean;
  offer: { sku: string; qty: number };
}

/** The buyer's in-memory state. */
export interface BuyerState {
  neg: Record<string, Neg>;
}

const RETRANSMIT_MS = 4_000;

/** The buyer agent type for market `env`. */
export function buyerAgent(env: MarketEnv) {
  const strategy = (me: string): number => {
    const u = env.rand('buyer-strategy', me);
    return u < 0.3 ? STRATEGIES.conceder : u < 0.7 ? STRATEGIES.linear : STRATEGIES.boulware;
  };
  return defineAgent<BuyerState>({
    name: 'buyer',
    description: 'Buys what its needs ask for, within budget and before the deadline.',
    skills: ['negotiate purchases'],
    state: { neg: {} },
    model: 'negotiator',
    handlers: {
      async onMessage(ctx, message) {
        const m = unwrap(message);
        if (!m) return;
        const me = `buyer-${ctx.id}`;
        const s = ctx.state;
        switch (m.t) {
          case 'need':
            env.publishNeed(m.need);
            return;
          case 'negotiate': {
            if (s.neg[m.deal]?.attempt === m.attempt) return; // duplicate
            const c = { open: Math.round(m.limit * 0.72), limit: m.limit, rounds: env.cfg.rounds, beta: strategy(me) };
            const rule = priceAt(c, 0);
            const bid = clampMove((await env.modelMove(ctx, { side: 'buyer', deal: m.deal, round: 0, rounds: c.rounds, theirs: null, limit: m.limit, rule })) ?? rule, null, m.limit, 'buyer');
            s.neg[m.deal] = { attempt: m.attempt, seller: m.seller, mediator: m.mediator, round: 0, bid, limit: m.limit, done: false, offer: { sku: m.sku, qty: m.qty } };
            offer(ctx.state.neg[m.deal]!, m.deal, me);
            await ctx.schedule(RETRANSMIT_MS, 'onMessage', wrap({ t: 'retransmit', deal: m.deal, attempt: m.attempt, round: 0, n: 1 }));
            return;
          }
          case 'counter': {
            const n = s.neg[m.deal];
            if (!n || n.attempt !== m.attempt || n.done || m.round !== n.round) return; // stale or duplicate
            const c = { open: Math.round(n.limit * 0.72), limit: n.limit, rounds: env.cfg.rounds, beta: strategy(me) };
            const r = n.round + 1;
            const rule = priceAt(c, r);
            const next = r >= c.rounds ? n.limit : clampMove((await env.modelMove(ctx, { side: 'buyer', deal: m.deal, round: r, rounds: c.rounds, theirs: m.price, limit: n.limit, rule })) ?? rule, n.bid, n.limit, 'buyer');
            if (buyerAccepts(m.price, next, n.limit)) {
              n.done = true;
              env.log(m.deal, 'accept', me, { price: m.price, round: m.round });
              env.send(me, n.seller, { t: 'accepted', deal: m.deal, attempt: n.attempt, price: m.price, by: me });
              env.send(me, n.mediator, { t: 'agreed', deal: m.deal, attempt: n.attempt, price: m.price, buyer: me, seller: n.seller, rounds: r, by: me });
              return;
            }
            n.round = r;
            n.bid = next;
            offer(n, m.deal, me);
            await ctx.schedule(RETRANSMIT_MS, 'onMessage', wrap({ t: 'retransmit', deal: m.deal, attempt: n.attempt, round: r, n: 1 }));
            return;
          }
          case 'accepted': {
            const n = s.neg[m.deal];
            if (!n || n.attempt !== m.attempt) return;
            n.done = true;
            env.send(me, n.mediator, { t: 'agreed', deal: m.deal, attempt: n.attempt, price: m.price, buyer: me, seller: n.seller, rounds: n.round, by: me });
            return;
          }
          case 'retransmit': {
            const n = s.neg[m.deal];
            if (!n || n.attempt !== m.attempt || n.done || n.round !== m.round) return;
            offer(n, m.deal, me);
            if (m.n < 4) await ctx.schedule(RETRANSMIT_MS, 'onMessage', wrap({ ...m, n: m.n + 1 }));
            return;
          }
          case 'settled':
          case 'abort':
          case 'expired':
            delete s.neg[m.deal];
            return;
          default:
            return;
        }
      },
    },
  });

  function offer(n: Neg, deal: string, me: string): void {
    env.log(deal, 'offer', me, { round: n.round, price: n.bid });
    env.send(me, n.seller, { t: 'offer', deal, attempt: n.attempt, round: n.round, price: n.bid, buyer: me, mediator: n.mediator, sku: n.offer.sku, qty: n.offer.qty });
  }
}
