/**
 * The market's world, generated from a seed: SKUs with reference prices, sellers with inventory,
 * unit costs, reserve and asking prices, buyers with budgets, and the needs they will post (SKU,
 * quantity, highest unit price, arrival time, deadline). Supply is ample; prices overlap for most
 * needs but not all, and a few buyers have tight budgets, so some needs are infeasible.
 */
import { rng } from '../rng.js';
import type { MarketConfig } from './market-config.js';

/** A seller's offer of one SKU. */
export interface Listing {
  seller: string;
  sku: string;
  stock: number;
  /** Unit cost, reserve (walk-away) and opening ask, micro-dollars. */
  costMicros: number;
  reserveMicros: number;
  askMicros: number;
}

/** A need a buyer will post. */
export interface NeedSpec {
  id: string;
  buyer: string;
  sku: string;
  qty: number;
  limitMicros: number;
  at: number;
  deadline: number;
}

/** The generated world. */
export interface Scenario {
  skus: { id: string; refMicros: number }[];
  listings: Listing[];
  budgets: Record<string, number>;
  needs: NeedSpec[];
}

const M = 1_000_000;

/** Generates the world of `cfg` (same seed, same world). */
export function generateScenario(cfg: MarketConfig): Scenario {
  const r = rng(cfg.seed);
  const skus = Array.from({ length: cfg.skus }, (_, i) => ({ id: `sku-${i}`, refMicros: Math.round(Math.exp(r.range(Math.log(5), Math.log(400))) * M) }));
  const listings: Listing[] = [];
  for (let s = 0; s < cfg.sellers; s++) {
    const seller = `seller-${s}`;
    const picked = new Set<number>();
    while (picked.size < Math.min(3, cfg.skus)) picked.add(r.int(0, cfg.skus - 1));
    for (const k of picked) {
      const ref = skus[k]!.refMicros;
      const reserve = Math.round(ref * r.range(0.8, 1.02));
      listings.push({ seller, sku: skus[k]!.id, stock: r.int(10, 40), costMicros: Math.round(reserve * 0.9), reserveMicros: reserve, askMicros: Math.round(reserve * r.range(1.2, 1.4)) });
    }
  }
  const needs: NeedSpec[] = [];
  const spend: Record<string, number> = {};
  for (let n = 0; n < cfg.demand; n++) {
    const buyer = `buyer-${r.int(0, cfg.buyers - 1)}`;
    const k = r.int(0, cfg.skus - 1);
    const qty = r.chance(0.6) ? r.int(1, 2) : r.int(3, 6);
    const limit = Math.round(skus[k]!.refMicros * r.range(0.78, 1.35));
    const at = Math.floor(r.range(0, cfg.horizonMs));
    needs.push({ id: `need-${n}`, buyer, sku: skus[k]!.id, qty, limitMicros: limit, at, deadline: at + Math.floor(r.range(cfg.deadlineMs[0], cfg.deadlineMs[1])) });
    spend[buyer] = (spend[buyer] ?? 0) + qty * limit;
  }
  needs.sort((a, b) => a.at - b.at);
  const budgets: Record<string, number> = {};
  for (let b = 0; b < cfg.buyers; b++) {
    const id = `buyer-${b}`;
    const base = spend[id] ?? 100 * M;
    budgets[id] = Math.round(base * (r.chance(0.03) ? 0.35 : r.range(1.05, 1.3)));
  }
  return { skus, listings, budgets, needs };
}
