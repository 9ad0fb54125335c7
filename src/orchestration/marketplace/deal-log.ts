/**
 * The history of each deal, step by step (posted, matched, held, offers and counter-offers,
 * agreement, approval, settlement, aborts), for `daca demo marketplace --follow <deal>` and the
 * dashboard's deal view.
 */
import type { JsonValue } from '../../runtime/types.js';

/** One step of a deal. */
export interface DealEvent {
  /** Simulated time, ms. */
  at: number;
  /** What happened (`posted`, `hold`, `offer`, `counter`, `agreed`, `approval`, `settled`, …). */
  kind: string;
  /** Who acted. */
  by: string;
  /** Facts of the step. */
  detail?: { [k: string]: JsonValue };
}

/** Keeps deal histories (all of them, or only the followed ones). */
export class DealLog {
  private readonly events = new Map<string, DealEvent[]>();

  constructor(private readonly opts: { follow?: ReadonlySet<string>; maxPerDeal?: number } = {}) {}

  /** Records a step of `deal`. */
  add(deal: string, e: DealEvent): void {
    if (this.opts.follow && !this.opts.follow.has(deal)) return;
    let list = this.events.get(deal);
    if (!list) this.events.set(deal, (list = []));
    if (list.length < (this.opts.maxPerDeal ?? 200)) list.push(e);
  }

  /** The history of one deal (empty when unknown). */
  history(deal: string): DealEvent[] {
    return this.events.get(deal) ?? [];
  }

  /** Deal ids with a history. */
  deals(): string[] {
    return [...this.events.keys()];
  }
}

/** A history as lines of text (`  12.3 s  offer      buyer-4 → 12.50 USD`). */
export function formatHistory(deal: string, events: readonly DealEvent[]): string {
  const lines = [`deal ${deal}`];
  for (const e of events) {
    const d = e.detail ? Object.entries(e.detail).map(([k, v]) => `${k}=${typeof v === 'number' && /price|amount|limit/i.test(k) ? `$${(v / 1e6).toFixed(2)}` : JSON.stringify(v)}`).join(' ') : '';
    lines.push(`  ${(e.at / 1000).toFixed(1).padStart(8)} s  ${e.kind.padEnd(10)} ${e.by.padEnd(14)} ${d}`);
  }
  return lines.join('\n');
}
