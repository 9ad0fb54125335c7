/**
 * The mediator agent: queues the needs dispatched to it (ageing priority, earliest deadline),
 * matches each to a seller from the listing board (holding stock first), lets buyer and seller
 * negotiate, and turns an agreement into a contract: commitment (durable), compliance (an
 * approval above the spec's limit), settlement (durable, exactly once), audit. Queues and
 * negotiations are cheap in-memory state; a crash loses them, and the watchdog re-dispatches the
 * needs while committed deals resume from the ledger.
 */
import { defineAgent, type AgentContext } from '../../../runtime/define-agent.js';
import type { MarketEnv } from '../market-env.js';
import { unwrap, wrap, type NeedInfo } from '../messages.js';

type Phase = 'hold' | 'negotiating' | 'committing' | 'approval' | 'settling';

interface Active {
  seller: string;
  attempt: number;
  phase: Phase;
  since: number;
  price: number;
  rounds: number;
  approvalId: string | null;
}

interface Waiting {
  need: NeedInfo;
  since: number;
  notBefore: number;
  tried: string[];
  refusedFunds: number;
}

/** The mediator's state. */
export interface MediatorState {
  queue: Record<string, Waiting>;
  active: Record<string, Active & { need: NeedInfo; tried: string[]; refusedFunds: number }>;
  wakeAt: number;
}

const AGE_WEIGHT = 1; // priority per second waited
const SLACK_WEIGHT = 0.2; // priority per second of deadline slack (less slack first)

/** The mediator agent type for market `env`. */
export function mediatorAgent(env: MarketEnv) {
  type Ctx = AgentContext<MediatorState>;

  const name = (ctx: Ctx): string => `mediator-${ctx.id}`;

  const requeue = (ctx: Ctx, a: MediatorState['active'][string], delayMs = 0): void => {
    const s = ctx.state;
    delete s.active[a.need.id];
    s.queue[a.need.id] = { need: a.need, since: a.need.postedAt, notBefore: env.now() + delayMs, tried: a.tried, refusedFunds: a.refusedFunds };
  };

  const expire = async (ctx: Ctx, need: NeedInfo): Promise<void> => {
    try {
      if (await env.ledger.closeNeed(need.id, 'expired', env.now())) {
        env.expired(need.id);
        env.log(need.id, 'expired', name(ctx));
        env.send(name(ctx), need.buyer, { t: 'expired', deal: need.id });
      }
    } catch (e) {
      env.transient(e);
    }
  };

  const pump = async (ctx: Ctx): Promise<void> => {
    const s = ctx.state;
    const me = name(ctx);
    const now = env.now();
    let active = Object.keys(s.active).length;
    let soonest = Infinity;
    while (active < env.cfg.mediatorCapacity) {
      let best: Waiting | null = null;
      let bestScore = -Infinity;
      for (const w of Object.values(s.queue)) {
        if (w.notBefore > now) {
          soonest = Math.min(soonest, w.notBefore);
          continue;
        }
        const score = ((now - w.since) / 1000) * AGE_WEIGHT - ((w.need.deadline - now) / 1000) * SLACK_WEIGHT;
        if (score > bestScore) {
          best = w;
          bestScore = score;
        }
      }
      if (!best) break;
      const need = best.need;
      delete s.queue[need.id];
      env.attended(need);
      if (now >= need.deadline - env.cfg.latencyMs * 20) {
        await expire(ctx, need);
        continue;
      }
      const cands = env.directory.candidates(need.sku, need.qty, need.limit, best.tried);
      if (cands.length === 0) {
        // Nobody (else) can serve it now: retry later with every seller again, until the deadline.
        s.queue[need.id] = { ...best, tried: [], notBefore: now + 30_000 };
        soonest = Math.min(soonest, now + 30_000);
        env.touch(need.id);
        continue;
      }
      const seller = cands[0]!.seller;
      const attempt = env.nextAttempt();
      s.active[need.id] = { need, seller, attempt, phase: 'hold', since: now, price: 0, rounds: 0, approvalId: null, tried: best.tried, refusedFunds: best.refusedFunds };
      active++;
      env.touch(need.id);
      env.log(need.id, 'match', me, { seller, attempt });
      env.send(me, seller, { t: 'hold', deal: need.id, attempt, sku: need.sku, qty: need.qty, mediator: me });
      await ctx.schedule(env.cfg.negotiationTimeoutMs, 'onMessage', wrap({ t: 'timeout', deal: need.id, attempt }));
    }
    env.queueDepth(me, Object.keys(s.queue).length);
    if (soonest !== Infinity && (s.wakeAt <= now || soonest < s.wakeAt)) {
      s.wakeAt = soonest;
      await ctx.schedule(soonest - now, 'onMessage', wrap({ t: 'wake' }));
    }
  };

  const release = (ctx: Ctx, deal: string, a: Active, need: NeedInfo, reason: string): void => {
    env.send(name(ctx), a.seller, { t: 'abort', deal, attempt: a.attempt, reason });
    env.send(name(ctx), need.buyer, { t: 'abort', deal, attempt: a.attempt, reason });
  };

  const settle = async (ctx: Ctx, deal: string): Promise<void> => {
    const a = ctx.state.active[deal];
    if (!a) return;
    a.phase = 'settling';
    const me = name(ctx);
    let r;
    try {
      r = await env.settleDeal(deal, a.attempt, env.now());
    } catch (e) {
      env.transient(e);
      await ctx.schedule(2_000, 'onMessage', wrap({ t: 'resume', deal, attempt: a.attempt }));
      return;
    }
    if (r.status === 'refused') {
      env.log(deal, 'refused', me, { reason: r.reason });
      try {
        await env.ledger.void(deal, a.attempt, env.now());
      } catch (e) {
        env.transient(e);
        await ctx.schedule(2_000, 'onMessage', wrap({ t: 'resume', deal, attempt: a.attempt }));
        return;
      }
      release(ctx, deal, a, a.need, r.reason);
      a.tried.push(a.seller);
      if (/cannot pay/.test(r.reason)) a.refusedFunds++;
      if (a.refusedFunds >= 2) {
        delete ctx.state.active[deal];
        await expire(ctx, a.need);
      } else requeue(ctx, a);
      await pump(ctx);
      return;
    }
    const amount = a.price * a.need.qty;
    try {
      await env.ledger.closeNeed(deal, 'served', env.now());
    } catch (e) {
      env.transient(e);
      await ctx.schedule(2_000, 'onMessage', wrap({ t: 'resume', deal, attempt: a.attempt }));
      return;
    }
    env.settled({ deal, buyer: a.need.buyer, seller: a.seller, mediator: me, sku: a.need.sku, qty: a.need.qty, amount, rounds: a.rounds });
    env.log(deal, 'settled', me, { amount, qty: a.need.qty, duplicate: r.status === 'duplicate' });
    env.send(me, a.need.buyer, { t: 'settled', deal, attempt: a.attempt, sku: a.need.sku, qty: a.need.qty, amount });
    env.send(me, a.seller, { t: 'settled', deal, attempt: a.attempt, sku: a.need.sku, qty: a.need.qty, amount });
    delete ctx.state.active[deal];
    await pump(ctx);
  };

  const commit = async (ctx: Ctx, deal: string): Promise<void> => {
    const a = ctx.state.active[deal];
    if (!a) return;
    a.phase = 'committing';
    const me = name(ctx);
    const amount = a.price * a.need.qty;
    let r;
    try {
      r = await env.ledger.commit({ id: deal, buyer: a.need.buyer, seller: a.seller, mediator: me, sku: a.need.sku, qty: a.need.qty, amountMicros: amount, attempt: a.attempt }, env.now());
    } catch (e) {
      env.transient(e);
      await ctx.schedule(2_000, 'onMessage', wrap({ t: 'resume', deal, attempt: a.attempt }));
      return;
    }
    if (r === 'conflict') {
      // Another attempt (a re-dispatch) holds this need: step back.
      env.log(deal, 'conflict', me, { attempt: a.attempt });
      release(ctx, deal, a, a.need, 'the need is contracted elsewhere');
      delete ctx.state.active[deal];
      await pump(ctx);
      return;
    }
    env.log(deal, 'committed', me, { amount, seller: a.seller });
    const why = env.approvalNeeded(me, amount, a.need.qty);
    if (why === null) return settle(ctx, deal);
    await askApproval(ctx, deal, why);
  };

  const askApproval = async (ctx: Ctx, deal: string, why: string): Promise<void> => {
    const a = ctx.state.active[deal];
    if (!a) return;
    a.phase = 'approval';
    const me = name(ctx);
    const amount = a.price * a.need.qty;
    try {
      a.approvalId ??= await env.requestApproval(me, deal, a.attempt, why, `settle ${deal}: ${a.need.qty} × ${a.need.sku} at $${(a.price / 1e6).toFixed(2)} from ${a.seller} to ${a.need.buyer} ($${(amount / 1e6).toFixed(2)})`);
    } catch (e) {
      env.transient(e);
      await ctx.schedule(2_000, 'onMessage', wrap({ t: 'resume', deal, attempt: a.attempt }));
      return;
    }
    env.log(deal, 'approval', me, { approvalId: a.approvalId, reason: why });
    if (env.approver === 'policy')
      env.send(me, 'policy-0', { t: 'review', deal, attempt: a.attempt, approvalId: a.approvalId, amount, unitPrice: a.price, sku: a.need.sku, qty: a.need.qty, buyer: a.need.buyer, seller: a.seller, mediator: me });
    await ctx.schedule(env.cfg.negotiationTimeoutMs, 'onMessage', wrap({ t: 'timeout', deal, attempt: a.attempt }));
  };

  return defineAgent<MediatorState>({
    name: 'mediator',
    description: 'Matches needs to sellers, oversees negotiations, enforces contracts and settles deals.',
    skills: ['match buyers and sellers', 'settle deals'],
    state: { queue: {}, active: {}, wakeAt: 0 },
    handlers: {
      async onMessage(ctx, message) {
        const m = unwrap(message);
        if (!m) return;
        const s = ctx.state;
        const me = name(ctx);
        switch (m.t) {
          case 'match': {
            if (s.queue[m.need.id] || s.active[m.need.id]) return; // duplicate dispatch
            s.queue[m.need.id] = { need: m.need, since: m.need.postedAt, notBefore: 0, tried: [], refusedFunds: 0 };
            return pump(ctx);
          }
          case 'wake':
            return pump(ctx);
          case 'held': {
            const a = s.active[m.deal];
            if (!a || a.attempt !== m.attempt || a.phase !== 'hold') {
              if (!a || a.attempt !== m.attempt) env.send(me, m.seller, { t: 'release', deal: m.deal, attempt: m.attempt });
              return;
            }
            a.phase = 'negotiating';
            env.touch(m.deal);
            const n = a.need;
            env.send(me, n.buyer, { t: 'negotiate', deal: m.deal, attempt: a.attempt, buyer: n.buyer, seller: a.seller, mediator: me, sku: n.sku, qty: n.qty, limit: n.limit });
            return;
          }
          case 'no-stock': {
            const a = s.active[m.deal];
            if (!a || a.attempt !== m.attempt || (a.phase !== 'hold' && a.phase !== 'negotiating')) return;
            a.tried.push(a.seller);
            env.send(me, a.need.buyer, { t: 'abort', deal: m.deal, attempt: a.attempt, reason: 'no stock' });
            requeue(ctx, a);
            return pump(ctx);
          }
          case 'agreed': {
            const a = s.active[m.deal];
            if (!a || a.attempt !== m.attempt || a.phase !== 'negotiating') return; // the other side told us first
            a.price = m.price;
            a.rounds = m.rounds;
            env.touch(m.deal);
            env.log(m.deal, 'agreed', m.by, { price: m.price, rounds: m.rounds });
            return commit(ctx, m.deal);
          }
          case 'decision': {
            const a = s.active[m.deal];
            if (!a || a.attempt !== m.attempt || a.phase !== 'approval') return;
            env.log(m.deal, m.approved ? 'approved' : 'rejected', m.by, { approvalId: m.approvalId, note: m.note });
            try {
              if (m.approved) await env.ledger.approve(m.deal, a.attempt, m.approvalId, env.now());
              else await env.ledger.void(m.deal, a.attempt, env.now());
            } catch (e) {
              env.transient(e);
              await ctx.schedule(2_000, 'onMessage', wrap({ t: 'resume', deal: m.deal, attempt: a.attempt }));
              return;
            }
            if (m.approved) return settle(ctx, m.deal);
            release(ctx, m.deal, a, a.need, `approval rejected: ${m.note}`);
            a.tried.push(a.seller);
            a.refusedFunds += /cannot pay|holds \$/.test(m.note) ? 2 : 1;
            if (a.refusedFunds >= 2) {
              delete s.active[m.deal];
              await expire(ctx, a.need);
            } else requeue(ctx, a);
            return pump(ctx);
          }
          case 'timeout': {
            const a = s.active[m.deal];
            if (!a || a.attempt !== m.attempt) return;
            if (a.phase === 'hold' || a.phase === 'negotiating') {
              env.log(m.deal, 'timeout', me, { phase: a.phase });
              release(ctx, m.deal, a, a.need, 'negotiation timed out');
              a.tried.push(a.seller);
              requeue(ctx, a);
              return pump(ctx);
            }
            return resume(ctx, m.deal, a.attempt);
          }
          case 'abort': {
            // The deadlock resolver picked this negotiation as the victim.
            const a = s.active[m.deal];
            if (!a || a.attempt !== m.attempt || (a.phase !== 'hold' && a.phase !== 'negotiating')) return;
            env.log(m.deal, 'aborted', me, { reason: m.reason });
            release(ctx, m.deal, a, a.need, m.reason);
            requeue(ctx, a, 1_000);
            return pump(ctx);
          }
          case 'resume':
            return resume(ctx, m.deal, m.attempt);
          default:
            return;
        }
      },
    },
  });

  /** Drives a committed deal on: from memory, or (after a crash) from the ledger. */
  async function resume(ctx: Ctx, deal: string, attempt: number): Promise<void> {
    const s = ctx.state;
    let a = s.active[deal];
    if (!a) {
      let d, need;
      try {
        d = await env.ledger.deal(deal);
        need = await env.ledger.need(deal);
      } catch (e) {
        env.transient(e);
        return;
      }
      if (!d || !need || d.status !== 'committed' || d.attempt !== attempt) return;
      const info: NeedInfo = { id: need.id, buyer: need.buyer, sku: need.sku, qty: need.qty, limit: need.limitMicros, postedAt: need.postedAt, deadline: need.deadline };
      a = s.active[deal] = { need: info, seller: d.seller, attempt: d.attempt, phase: 'settling', since: env.now(), price: Math.round(d.amountMicros / d.qty), rounds: 0, approvalId: d.approvalId, tried: [], refusedFunds: 0 };
      env.log(deal, 'recovered', name(ctx), { attempt });
    }
    if (a.attempt !== attempt) return;
    env.touch(deal);
    if (a.phase === 'committing') return commit(ctx, deal);
    const amount = a.price * a.need.qty;
    const why = env.approvalNeeded(name(ctx), amount, a.need.qty);
    if (why !== null && !a.approvalId) return askApproval(ctx, deal, why);
    if (a.phase === 'approval') {
      // Still waiting: ask the policy agent again (it answers a decided approval at once).
      if (env.approver === 'policy' && a.approvalId)
        env.send(name(ctx), 'policy-0', { t: 'review', deal, attempt: a.attempt, approvalId: a.approvalId, amount, unitPrice: a.price, sku: a.need.sku, qty: a.need.qty, buyer: a.need.buyer, seller: a.seller, mediator: name(ctx) });
      await ctx.schedule(env.cfg.negotiationTimeoutMs, 'onMessage', wrap({ t: 'timeout', deal, attempt: a.attempt }));
      return;
    }
    if (why !== null && a.approvalId) {
      try {
        await env.ledger.approve(deal, a.attempt, a.approvalId, env.now());
      } catch (e) {
        env.transient(e);
      }
    }
    return settle(ctx, deal);
  }
}
