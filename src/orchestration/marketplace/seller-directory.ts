/**
 * The listing board mediators match on: which seller offers which SKU, at what reserve and ask,
 * with how much settled stock. Sellers announce listings on the bus (`market.listings.<sku>`);
 * settlements lower stock (once per deal). Among eligible sellers the cheapest asks win, and
 * among near-equal asks the seller that has sold the smallest share of its stock goes first, so
 * sales spread fairly.
 */

/** A listing as the board keeps it. */
export interface BoardListing {
  seller: string;
  sku: string;
  stock: number;
  initial: number;
  sold: number;
  reserve: number;
  ask: number;
}

/** See the module comment. */
export class SellerDirectory {
  private readonly bySku = new Map<string, Map<string, BoardListing>>();
  private readonly settled = new Set<string>();

  /** Adds or refreshes a listing (a seller's announcement). */
  announce(l: { seller: string; sku: string; stock: number; reserve: number; ask: number }): void {
    let m = this.bySku.get(l.sku);
    if (!m) this.bySku.set(l.sku, (m = new Map()));
    const cur = m.get(l.seller);
    if (cur) {
      cur.stock = l.stock;
      cur.reserve = l.reserve;
      cur.ask = l.ask;
    } else m.set(l.seller, { ...l, initial: l.stock, sold: 0 });
  }

  /** Lowers a seller's stock after deal `deal` settled (idempotent per deal). */
  sold(deal: string, seller: string, sku: string, qty: number): void {
    if (this.settled.has(deal)) return;
    this.settled.add(deal);
    const l = this.bySku.get(sku)?.get(seller);
    if (l) {
      l.stock = Math.max(0, l.stock - qty);
      l.sold += qty;
    }
  }

  /** Sellers that could serve `qty` of `sku` at most `limit` per unit, best first, skipping `exclude`. */
  candidates(sku: string, qty: number, limit: number, exclude: readonly string[] = []): BoardListing[] {
    const m = this.bySku.get(sku);
    if (!m) return [];
    const ok: BoardListing[] = [];
    for (const l of m.values()) if (l.stock >= qty && l.reserve <= limit && !exclude.includes(l.seller)) ok.push(l);
    if (ok.length < 2) return ok;
    const best = Math.min(...ok.map((l) => l.ask));
    const share = (l: BoardListing): number => l.sold / Math.max(1, l.initial);
    return ok.sort((a, b) => {
      const near = a.ask <= best * 1.1 && b.ask <= best * 1.1;
      return near ? share(a) - share(b) || a.ask - b.ask : a.ask - b.ask;
    });
  }

  /** All listings. */
  all(): BoardListing[] {
    const out: BoardListing[] = [];
    for (const m of this.bySku.values()) out.push(...m.values());
    return out;
  }
}
