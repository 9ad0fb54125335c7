/**
 * bench:marketplace — the full 1,000 buyer / 500 seller / 100 mediator market on one node for a
 * fixed simulated demand (3,000 needs over a simulated hour, 20% of negotiation moves by a model
 * through the real gateway, approvals above $1,000 by the policy agent, every deal audited),
 * invariants checked every 5 simulated minutes and at the end.
 *
 * `npm run bench:marketplace [-- --buyers 100 --sellers 50 --mediators 10 --fault-rate 0.05]`
 * prints a table and, last, one JSON line:
 * `{"agents","deals","deals_per_s","deal_p50_s","deal_p99_s","feasible_served","jain_fairness",
 *   "deadlocks","starved","invariant_violations","model_cost_usd","cost_per_deal_usd","peak_rss_mb"}`.
 * `deals_per_s` is per wall second; deal latencies are simulated seconds from need to settlement.
 */
import { parseArgs } from 'node:util';
import { faultsAt, marketConfig } from '../src/orchestration/marketplace/market-config.js';
import { formatReport } from '../src/orchestration/marketplace/market-report.js';
import { runMarket } from '../src/orchestration/marketplace/run-market.js';

const { values } = parseArgs({
  options: {
    buyers: { type: 'string', default: '1000' },
    sellers: { type: 'string', default: '500' },
    mediators: { type: 'string', default: '100' },
    demand: { type: 'string' },
    'model-share': { type: 'string', default: '0.2' },
    'fault-rate': { type: 'string', default: '0' },
    seed: { type: 'string', default: '7' },
  },
  allowPositionals: true,
});
const buyers = Number(values.buyers);
const cfg = marketConfig({
  id: `bench-${Date.now().toString(36)}`,
  buyers,
  sellers: Number(values.sellers),
  mediators: Number(values.mediators),
  demand: values.demand ? Number(values.demand) : buyers * 3,
  modelShare: Number(values['model-share']),
  seed: Number(values.seed),
  faults: faultsAt(Number(values['fault-rate'])),
});
console.log(`bench:marketplace: ${cfg.buyers} buyers, ${cfg.sellers} sellers, ${cfg.mediators} mediators, ${cfg.demand} needs over ${cfg.horizonMs / 60_000} simulated minutes, model share ${cfg.modelShare}`);
let last = 0;
const { report } = await runMarket(cfg, {
  natsUrl: process.env.DACA_NATS_URL,
  follow: [],
  onProgress: (m) => {
    const s = m.snapshot();
    if (s.simMs - last < 15 * 60_000) return;
    last = s.simMs;
    console.log(`  ${String(Math.round(s.simMs / 60_000)).padStart(4)} simulated min  ${String(s.deals).padStart(6)} deals  wall ${(s.wallMs / 1000).toFixed(1)} s`);
  },
});
console.log(formatReport(report));
console.log(JSON.stringify(report.figures));
process.exit(0);
