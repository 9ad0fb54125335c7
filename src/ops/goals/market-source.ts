/**
 * `trade_completion_rate` on a node: read from the marketplace runs on it (`/api/orchestration/markets`,
 * `daca deals start`). A trade counts when a feasible need was settled within the goal's `within`,
 * over the run of the newest market (on the market's own clock).
 */
import type { Market } from '../../orchestration/marketplace/market.js';
import type { GoalSource } from './goal-meter.js';

/**
 * The source over the newest market `latest()` returns (null: no market ran yet, "no data").
 * @example
 * ```ts
 * goalSourcesOf(s).set('trade_completion_rate', marketTradeSource(() => newestMarket));
 * ```
 */
export function marketTradeSource(latest: () => Market | null): GoalSource {
  return async (g) => {
    const m = latest();
    if (!m) return null;
    const within = g.within ?? 600_000;
    let feasible = 0, attained = 0;
    for (const [need, ok] of m.metrics.feasible) {
      if (!ok) continue;
      feasible++;
      const d = m.metrics.deals.get(need);
      if (d && d.settledAt - d.postedAt <= within) attained++;
    }
    if (!feasible) return { value: null, detail: `market ${m.cfg.id}: no feasible needs yet` };
    return { value: attained / feasible, detail: `market ${m.cfg.id}: ${attained} of ${feasible} feasible trades settled within ${Math.round(within / 60_000)} min` };
  };
}
