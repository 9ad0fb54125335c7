/**
 * The market's traffic on the bus: needs published for mediators (`market.needs.<sku>`, one
 * durable consumer group per market) and sellers' listings (`market.listings.<sku>`). Every
 * publication is tracked on the simulated clock until it is delivered (or fails to publish), so
 * simulated time does not run ahead of the bus.
 */
import { randomUUID } from 'node:crypto';
import type { Bus, BusJson } from '../../bus/types.js';
import type { JsonValue } from '../../runtime/types.js';
import type { SimClock } from '../clock.js';
import type { NeedInfo } from './messages.js';

const BUS_NEEDS = 'market.needs';
const BUS_LISTINGS = 'market.listings';

/** One seller's listing of one SKU as it travels on the bus (a type literal, so it is bus JSON). */
export type ListingNotice = { seller: string; sku: string; stock: number; reserve: number; ask: number };

/** What the market does with what arrives on the bus. */
export interface MarketBusHandlers {
  /** A need arrived for the mediators. */
  need: (need: NeedInfo) => void;
  /** A seller announced a listing. */
  listing: (l: ListingNotice) => void;
}

/**
 * Publishes and receives the market's needs and listings on a `Bus`.
 * @example
 * ```ts
 * const mb = new MarketBus(bus, cfg.id, clock);
 * await mb.listen({ need: (n) => dispatch(n), listing: (l) => directory.announce(l) });
 * mb.publishNeed(need, `${need.id}:0:${clock.now()}`);
 * ```
 */
export class MarketBus {
  private readonly delivered = new Map<string, () => void>();
  private readonly unsubscribe: (() => Promise<void>)[] = [];

  constructor(private readonly bus: Bus, private readonly marketId: string, private readonly clock: SimClock) {}

  /** The durable consumer group of this market's mediators. */
  private get durableName(): string {
    return `mkt_${this.marketId.replace(/[^A-Za-z0-9_-]/g, '_')}_mediators`.slice(0, 64);
  }

  /** Subscribes to needs and listings. */
  async listen(on: MarketBusHandlers): Promise<void> {
    const needs = await this.bus.subscribe(`${BUS_NEEDS}.>`, (msg) => {
      on.need((msg.data as unknown as { need: NeedInfo }).need);
      this.delivered.get(msg.id)?.();
    }, { durable: this.durableName, concurrency: 64 });
    const listings = await this.bus.subscribe<ListingNotice>(`${BUS_LISTINGS}.>`, (msg) => {
      on.listing(msg.data);
      this.delivered.get(msg.id)?.();
    }, { concurrency: 64 });
    this.unsubscribe.push(() => needs.unsubscribe(), () => listings.unsubscribe());
  }

  /** Publishes a need under message id `id` (unique per publication: a re-dispatch is a new one). */
  publishNeed(need: NeedInfo, id: string): void {
    this.publishTracked(id, `${BUS_NEEDS}.${need.sku}`, { need } as unknown as { [k: string]: JsonValue });
  }

  /** Announces a seller's listings, one message per SKU. */
  announce(seller: string, listings: { sku: string; stock: number; reserve: number; ask: number }[]): void {
    for (const l of listings) {
      const id = `${seller}:${l.sku}:${this.clock.now()}:${randomUUID().slice(0, 8)}`;
      this.publishTracked(id, `${BUS_LISTINGS}.${l.sku}`, { seller, ...l });
    }
  }

  /** Unsubscribes and deletes the mediators' durable consumer group (best effort). */
  async close(): Promise<void> {
    for (const u of this.unsubscribe) await u().catch(() => {});
    await this.bus.deleteDurable(this.durableName).catch(() => {});
  }

  private publishTracked(id: string, subject: string, data: BusJson): void {
    this.clock.track(new Promise<void>((resolve) => {
      this.delivered.set(id, () => {
        this.delivered.delete(id);
        resolve();
      });
      this.bus.publish(subject, data, { id }).catch(() => {
        this.delivered.delete(id);
        resolve();
      });
    }));
  }
}
