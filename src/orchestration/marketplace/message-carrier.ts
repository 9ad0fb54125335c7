/**
 * How protocol messages travel between marketplace agents: a simulated latency, the injected
 * faults (drops, duplicates, reordering delays) and the wait-for graph kept up to date from what
 * each message means (who now waits on whom for which deal attempt).
 */
import type { AgentMessage } from '../../runtime/types.js';
import type { SimClock } from '../clock.js';
import type { Rng } from '../rng.js';
import type { WaitForGraph } from '../safety/wait-for-graph.js';
import type { MarketConfig } from './market-config.js';
import type { MarketMetrics } from './market-metrics.js';
import { addressOf, wrap, type Address, type MarketMsg } from './messages.js';

/** What a `MessageCarrier` works with. */
export interface MessageCarrierDeps {
  cfg: MarketConfig;
  clock: SimClock;
  metrics: MarketMetrics;
  waits: WaitForGraph;
  /** The fault dice (the market shares one stream with mediator dispatch). */
  rng: Rng;
  /** Hands a wrapped message to an agent's mailbox. */
  deliver: (type: Address['type'], id: string, m: AgentMessage) => void;
}

/**
 * Carries protocol messages between agents with latency and faults.
 * @example
 * ```ts
 * const carrier = new MessageCarrier({ cfg, clock, metrics, waits, rng: rng(cfg.seed), deliver: (t, id, m) => pool.tell(t, id, m) });
 * carrier.send('mediator-0', 'seller-3', { t: 'hold', deal: 'need-1', attempt: 1, sku: 'sku-2', qty: 1, mediator: 'mediator-0' });
 * ```
 */
export class MessageCarrier {
  constructor(private readonly d: MessageCarrierDeps) {}

  /** Sends `m` from one agent to another (`buyer-3` → `seller-9`); it may be dropped, duplicated or delayed. */
  send(from: string, to: string, m: MarketMsg): void {
    const { cfg, metrics, clock } = this.d;
    metrics.messages++;
    trackWaits(this.d.waits, from, to, m, clock.now());
    const f = cfg.faults;
    const r = this.d.rng;
    if (f.drop > 0 && r.chance(f.drop)) {
      metrics.dropped++;
      return;
    }
    const copies = f.duplicate > 0 && r.chance(f.duplicate) ? 2 : 1;
    if (copies === 2) metrics.duplicated++;
    const a = addressOf(to);
    for (let k = 0; k < copies; k++) {
      let delay = cfg.latencyMs * (0.5 + r.next());
      if (f.reorder > 0 && r.chance(f.reorder)) {
        delay += r.next() * f.reorderMs;
        metrics.delayed++;
      }
      clock.setTimer(delay, () => this.d.deliver(a.type, a.id, wrap(m)));
    }
  }
}

/**
 * Updates the wait-for graph for one message sent at `now`: a hold or review starts a wait on the
 * receiver, its answer ends it, an offer or counter swaps who waits, and the end of an attempt
 * (accepted, agreed, abort, release, settled) clears every wait of that attempt.
 */
export function trackWaits(w: WaitForGraph, from: string, to: string, m: MarketMsg, now: number): void {
  switch (m.t) {
    case 'hold':
      w.wait(from, to, `${m.deal}#${m.attempt}`, now);
      return;
    case 'held':
    case 'no-stock':
      w.release(to, from, `${m.deal}#${m.attempt}`);
      return;
    case 'offer':
    case 'counter':
      // The sender now waits for the other side, whose wait on the sender is answered by this message.
      w.release(to, from, `${m.deal}#${m.attempt}`);
      w.wait(from, to, `${m.deal}#${m.attempt}`, now);
      return;
    case 'review':
      w.wait(from, to, `${m.deal}#${m.attempt}`, now);
      return;
    case 'decision':
      w.release(to, from, `${m.deal}#${m.attempt}`);
      return;
    case 'accepted':
    case 'agreed':
    case 'abort':
    case 'release':
    case 'settled':
      w.releaseWhat(`${m.deal}#${m.attempt}`);
      return;
    default:
      return;
  }
}
