/**
 * Peer-to-peer negotiation by alternating offers between agents, bilateral (one buyer, one
 * seller) or multilateral (one buyer, several sellers in parallel: each round the buyer weighs the
 * best ask), with a deadline in rounds and in clock time. Parties are agents: each round they are
 * asked `{ t: 'propose', round, rounds, theirs }` and answer `{ price }` or `{ accept: true }`.
 * `concessionAgent` builds such an agent from a concession strategy.
 */
import type { AgentHost } from '../../runtime/agent-host.js';
import { defineAgent, type AgentDefinition } from '../../runtime/define-agent.js';
import { RealClock, type Clock } from '../clock.js';
import { clampMove, priceAt, type Concession } from '../negotiation/concession.js';
import { callAgent, refName, type AgentRef } from './agent-call.js';
import type { ResolutionLog } from './resolution-record.js';

/** One move. */
export interface Move {
  round: number;
  by: string;
  price: number | null;
  accept: boolean;
}

/** The outcome of a negotiation. */
export interface NegotiationOutcome {
  agreed: boolean;
  price: number | null;
  seller: string | null;
  rounds: number;
  moves: Move[];
  reason: string;
}

/**
 * An agent that negotiates by a concession strategy (state: its strategy per counterpart is the
 * same for all). Buyers accept an ask at or below their next bid; sellers a bid at or above their
 * next ask.
 */
export function concessionAgent(name: string, side: 'buyer' | 'seller', c: Concession): AgentDefinition<Record<string, number>> {
  return defineAgent<Record<string, number>>({
    name,
    state: {},
    handlers: {
      async onMessage(_ctx, m) {
        const d = m.parts[0]?.kind === 'data' ? m.parts[0].data : {};
        const round = Number(d.round ?? 0);
        const theirs = typeof d.theirs === 'number' ? d.theirs : null;
        const last = Math.max(1, Number(d.rounds ?? c.rounds) - 1); // at the last round, the limit
        const mine = clampMove(priceAt({ ...c, rounds: last }, round), null, c.limit, side);
        if (theirs !== null && (side === 'buyer' ? theirs <= mine : theirs >= mine)) return [{ kind: 'data', data: { accept: true, price: theirs } }];
        return [{ kind: 'data', data: { price: mine } }];
      },
    },
  });
}

/** What a negotiation needs. */
export interface NegotiationOptions {
  host: AgentHost;
  clock?: Clock;
  buyer: AgentRef;
  sellers: AgentRef[];
  /** Rounds before the negotiation fails. */
  rounds: number;
  /** Clock time before it fails, ms. */
  deadlineMs: number;
  /** A party's answer must come within this, ms (default 5 s). */
  moveTimeoutMs?: number;
  log?: ResolutionLog;
  subject?: string;
}

/**
 * Runs the negotiation. Each round: every seller still in proposes (or accepts the buyer's last
 * bid); the buyer then sees the best ask and accepts it or bids again.
 * @example
 * ```ts
 * const o = await negotiate({ host: pool, buyer: { agent: 'buyer', id: '1' }, sellers: [{ agent: 'seller', id: '1' }], rounds: 8, deadlineMs: 60_000 });
 * ```
 */
export async function negotiate(o: NegotiationOptions): Promise<NegotiationOutcome> {
  const clock = o.clock ?? new RealClock();
  const end = clock.now() + o.deadlineMs;
  const t = o.moveTimeoutMs ?? 5_000;
  const moves: Move[] = [];
  let bid: number | null = null;
  const alive = new Set(o.sellers.map(refName));
  const finish = (out: NegotiationOutcome): NegotiationOutcome => {
    o.log?.record({
      pattern: 'negotiation', subject: o.subject ?? `${refName(o.buyer)} with ${o.sellers.map(refName).join(', ')}`, outcome: out.agreed ? `${out.seller} at ${out.price}` : 'no agreement',
      reasons: [out.reason], participants: [refName(o.buyer), ...o.sellers.map(refName)], at: clock.now(), data: { rounds: out.rounds },
    });
    return out;
  };
  for (let round = 0; round < o.rounds; round++) {
    if (clock.now() >= end) return finish({ agreed: false, price: null, seller: null, rounds: round, moves, reason: 'deadline passed' });
    const asks = await Promise.all(
      o.sellers.filter((s) => alive.has(refName(s))).map(async (s) => ({ s, r: await callAgent(o.host, clock, s, { t: 'propose', round, rounds: o.rounds, theirs: bid }, t, refName(o.buyer)) })),
    );
    let best: { seller: string; price: number } | null = null;
    for (const { s, r } of asks) {
      const name = refName(s);
      if (!r.ok) {
        alive.delete(name);
        moves.push({ round, by: name, price: null, accept: false });
        continue;
      }
      const accept = r.data.accept === true;
      const price = typeof r.data.price === 'number' ? r.data.price : null;
      moves.push({ round, by: name, price, accept });
      if (accept && bid !== null) return finish({ agreed: true, price: bid, seller: name, rounds: round + 1, moves, reason: `${name} accepted the bid ${bid} in round ${round + 1}` });
      if (price !== null && (!best || price < best.price)) best = { seller: name, price };
    }
    if (!best) return finish({ agreed: false, price: null, seller: null, rounds: round, moves, reason: 'no seller left' });
    const r = await callAgent(o.host, clock, o.buyer, { t: 'propose', round, rounds: o.rounds, theirs: best.price }, t, 'negotiation');
    if (!r.ok) return finish({ agreed: false, price: null, seller: null, rounds: round, moves, reason: `the buyer did not answer: ${r.detail}` });
    const accept = r.data.accept === true;
    bid = typeof r.data.price === 'number' ? r.data.price : null;
    moves.push({ round, by: refName(o.buyer), price: bid, accept });
    if (accept) return finish({ agreed: true, price: best.price, seller: best.seller, rounds: round + 1, moves, reason: `the buyer accepted ${best.seller}'s ask ${best.price} (best of ${asks.length}) in round ${round + 1}` });
  }
  return finish({ agreed: false, price: null, seller: null, rounds: o.rounds, moves, reason: `no agreement in ${o.rounds} rounds` });
}
