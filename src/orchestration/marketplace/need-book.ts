/**
 * The market's book of open needs: posting a need as it arrives (feasibility oracle, the durable
 * need book on the ledger, then the buyer is told), dispatching it to a mediator, and the watchdog
 * that expires late needs, re-dispatches quiet ones and resumes committed deals nobody finished.
 * It also tracks each buyer's remaining cash, for the feasibility oracle.
 */
import type { SimClock } from '../clock.js';
import type { Rng } from '../rng.js';
import type { StarvationDetector } from '../safety/starvation.js';
import type { MarketEnv } from './market-env.js';
import type { MarketMetrics } from './market-metrics.js';
import type { MarketMsg, NeedInfo } from './messages.js';
import type { Scenario } from './scenario.js';

/** What a `NeedBook` works with. */
export interface NeedBookDeps {
  /** The market (config, ledger, listing board, messaging, the deal log). */
  env: Pick<MarketEnv, 'cfg' | 'ledger' | 'directory' | 'send' | 'publishNeed' | 'log' | 'transient'>;
  clock: SimClock;
  metrics: MarketMetrics;
  starvation: StarvationDetector;
  /** The dispatch dice (the market shares one stream with message faults). */
  rng: Rng;
  /** Tells an agent (by name, `buyer-3`) a protocol message directly, without latency or faults. */
  tell: (to: string, m: MarketMsg) => void;
}

/**
 * Open needs and their lifecycle, from posting to settlement or expiry.
 * @example
 * ```ts
 * const book = new NeedBook({ env: market, clock, metrics, starvation, rng: rng(cfg.seed), tell });
 * book.fund('buyer-0', 5_000_000_000);
 * clock.setTimer(need.at, () => book.post(need));
 * ```
 */
export class NeedBook {
  private readonly open = new Map<string, NeedInfo>();
  private readonly touched = new Map<string, number>();
  private readonly buyerCash = new Map<string, number>();

  constructor(private readonly d: NeedBookDeps) {}

  /** Records a buyer's opening cash, micro-dollars. */
  fund(buyer: string, cash: number): void {
    this.buyerCash.set(buyer, cash);
  }

  /** Posts a need: feasibility (oracle), the need book (durable), then the buyer is told. */
  async post(n: Scenario['needs'][number]): Promise<void> {
    const { env, clock, metrics } = this.d;
    const need: NeedInfo = { id: n.id, buyer: n.buyer, sku: n.sku, qty: n.qty, limit: n.limitMicros, postedAt: clock.now(), deadline: n.deadline + 1_000 };
    metrics.feasible.set(n.id, this.feasible(need));
    metrics.needBuyer.set(n.id, n.buyer);
    metrics.postedAt.set(n.id, need.postedAt);
    this.open.set(n.id, need);
    this.touched.set(n.id, need.postedAt);
    if (metrics.feasible.get(n.id)) this.d.starvation.waiting(n.buyer, n.id, need.postedAt);
    env.log(n.id, 'posted', n.buyer, { sku: n.sku, qty: n.qty, limit: n.limitMicros, feasible: metrics.feasible.get(n.id)! });
    for (let i = 0; ; i++) {
      try {
        await env.ledger.postNeed({ id: n.id, buyer: n.buyer, sku: n.sku, qty: n.qty, limitMicros: n.limitMicros, postedAt: need.postedAt, deadline: need.deadline, status: 'open' });
        break;
      } catch (e) {
        env.transient(e);
        if (i > 50) throw e;
        await clock.sleep(1_000);
      }
    }
    this.d.tell(n.buyer, { t: 'need', need });
  }

  /** Sends a need to a mediator: the less loaded of two picked at random (power of two choices). */
  dispatch(need: NeedInfo): void {
    if (!this.open.has(need.id)) return;
    const { env, metrics } = this.d;
    const m = env.cfg.mediators;
    const a = this.d.rng.int(0, m - 1);
    const b = this.d.rng.int(0, m - 1);
    const load = (i: number): number => metrics.queueDepths.get(`mediator-${i}`) ?? 0;
    const pick = load(a) <= load(b) ? a : b;
    this.touched.set(need.id, this.d.clock.now());
    env.log(need.id, 'dispatch', `mediator-${pick}`);
    env.send('market', `mediator-${pick}`, { t: 'match', need });
  }

  /** A mediator made progress on a need. */
  touch(need: string): void {
    this.touched.set(need, this.d.clock.now());
  }

  /** A need expired unserved: counted, closed, no longer starving. */
  expired(need: string): void {
    const metrics = this.d.metrics;
    metrics.expired.add(need);
    this.open.delete(need);
    const b = metrics.needBuyer.get(need);
    if (b) this.d.starvation.served(b, need);
  }

  /** A deal settled: its need is closed, the buyer served and charged, the seller's listing sold down. */
  settled(d: { deal: string; buyer: string; seller: string; sku: string; qty: number; amount: number }): void {
    this.open.delete(d.deal);
    this.d.starvation.served(d.buyer, d.deal);
    this.d.env.directory.sold(d.deal, d.seller, d.sku, d.qty);
    this.buyerCash.set(d.buyer, (this.buyerCash.get(d.buyer) ?? 0) - d.amount);
  }

  /** Re-dispatches needs nobody moved for a while; resumes committed deals; expires late needs. */
  async watchdog(): Promise<void> {
    const { env, clock, metrics } = this.d;
    const now = clock.now();
    const stale = env.cfg.negotiationTimeoutMs * 2;
    for (const need of this.open.values()) {
      if (now >= need.deadline) {
        try {
          if (await env.ledger.closeNeed(need.id, 'expired', now)) {
            this.expired(need.id);
            env.log(need.id, 'expired', 'watchdog');
          } else this.open.delete(need.id);
        } catch (e) {
          env.transient(e);
        }
        continue;
      }
      if (now - (this.touched.get(need.id) ?? 0) > stale) {
        metrics.redispatched++;
        env.log(need.id, 'redispatch', 'watchdog');
        this.touched.set(need.id, now);
        env.publishNeed(need);
      }
    }
    let committed;
    try {
      committed = await env.ledger.deals('committed');
    } catch (e) {
      env.transient(e);
      return;
    }
    for (const d of committed) if (now - d.updatedAt > stale) env.send('watchdog', d.mediator, { t: 'resume', deal: d.id, attempt: d.attempt });
  }

  /** Whether `need` can be served at all now: a seller with stock at or below the limit, and the money. */
  private feasible(need: NeedInfo): boolean {
    const c = this.d.env.directory.candidates(need.sku, need.qty, need.limit);
    if (!c.length) return false;
    const cheapest = Math.min(...c.map((l) => l.reserve));
    return (this.buyerCash.get(need.buyer) ?? 0) >= cheapest * need.qty;
  }
}
