/**
 * bench:week — the autonomous week of the marketplace (src/ops/week/marketplace-week.ts): seven
 * simulated days on one daca node with demand cycles and spikes, a provider outage, agent crashes,
 * a model release mid-week and a budget tightened on day 5, kept by the goal controller with the
 * goals of the week's spec (src/ops/week/week-specs.ts) and no person involved.
 *
 * `npm run bench:week [-- --days 7 --buyers 400 --demand 800 --out <dir>]` writes an HTML report (path
 * printed; default .daca/reports) and ends with one JSON line:
 * `{"sim_days","wall_s","human_interventions","goal_attainment","cost_usd","budget_usd",
 *   "compliance_violations","audit_verified","lost_or_doubled_deals","recoveries","recovery_p50_s"}`.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runMarketplaceWeek } from '../src/ops/week/marketplace-week.js';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '7' },
    buyers: { type: 'string', default: '400' },
    demand: { type: 'string', default: '800' },
    out: { type: 'string' },
    seed: { type: 'string', default: '7' },
  },
  allowPositionals: true,
});

const r = await runMarketplaceWeek({
  days: Number(values.days),
  buyers: Number(values.buyers),
  demand: Number(values.demand),
  seed: Number(values.seed),
  out: resolve(values.out ?? join('.daca', 'reports')),
  log: (line) => console.log(line),
});
console.log(`report: ${r.report}`);
console.log(JSON.stringify(r.figures));
process.exit(0);
