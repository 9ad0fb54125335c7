/**
 * `daca demo …`: runnable scenarios. `daca demo marketplace` runs the multi-agent market
 * (buyers, sellers, mediators, a policy agent) on a node of its own: the real gateway with the
 * sim provider, approvals, audit, the ledger, the bus (`DACA_NATS_URL` → NATS JetStream).
 */
import type { Command } from 'commander';
import { faultsAt, marketConfig, type MarketConfig } from '../orchestration/marketplace/market-config.js';
import { formatHistory } from '../orchestration/marketplace/deal-log.js';
import { formatReport } from '../orchestration/marketplace/market-report.js';
import { runMarket } from '../orchestration/marketplace/run-market.js';
import { PATTERN_DEMOS } from '../orchestration/patterns/demos.js';
import { loadSpecFile } from '../spec/loader.js';
import { runWeekDemo } from './demo-week.js';
import { CliError } from './admin-client.js';

interface MarketFlags {
  buyers: string; sellers: string; mediators: string; demand?: string; skus: string; modelShare: string; seed: string; horizonMin: string;
  faultRate?: string; drop?: string; duplicate?: string; reorder?: string; killRate?: string; storeRestarts?: string; durableSettlement?: boolean; restateRestarts?: string;
  approver: string; follow?: string[]; json?: boolean; spec?: string; dataDir?: string; quiet?: boolean; days?: string; out?: string;
}

const int = (v: string, name: string, min = 0): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
};
const prob = (v: string, name: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new CliError(`--${name} must be between 0 and 1, got '${v}'`);
  return n;
};

/** The market config the flags describe. */
export function marketConfigFromFlags(f: MarketFlags): MarketConfig {
  const buyers = int(f.buyers, 'buyers', 1);
  const over: Partial<MarketConfig> = {
    buyers, sellers: int(f.sellers, 'sellers', 1), mediators: int(f.mediators, 'mediators', 1), skus: int(f.skus, 'skus', 1),
    demand: f.demand === undefined ? buyers * 3 : int(f.demand, 'demand', 1), modelShare: prob(f.modelShare, 'model-share'),
    seed: int(f.seed, 'seed'), horizonMs: int(f.horizonMin, 'horizon-min', 1) * 60_000,
  };
  const faults = faultsAt(f.faultRate === undefined ? 0 : prob(f.faultRate, 'fault-rate'));
  if (f.drop !== undefined) faults.drop = prob(f.drop, 'drop');
  if (f.duplicate !== undefined) faults.duplicate = prob(f.duplicate, 'duplicate');
  if (f.reorder !== undefined) faults.reorder = prob(f.reorder, 'reorder');
  if (f.killRate !== undefined) faults.killsPerAgentHour = Number(f.killRate);
  if (f.storeRestarts !== undefined) faults.storeRestarts = int(f.storeRestarts, 'store-restarts');
  if (f.restateRestarts !== undefined) {
    if (!f.durableSettlement) throw new CliError('--restate-restarts needs --durable-settlement (settlements on Restate)');
    faults.restateRestarts = int(f.restateRestarts, 'restate-restarts');
  }
  if (f.approver !== 'policy' && f.approver !== 'human') throw new CliError(`--approver must be policy or human, got '${f.approver}'`);
  return marketConfig({ ...over, faults, approver: f.approver, ...(f.durableSettlement ? { durableSettlement: true } : {}) });
}

/** Registers `daca demo`. */
export function registerDemo(program: Command): void {
  const demo = program.command('demo').description('run a demo scenario on a node of its own (sim provider, nothing to set up)');
  demo
    .command('pattern [name]')
    .description(`run a coordination pattern: ${Object.keys(PATTERN_DEMOS).join(', ')} (no name: list them)`)
    .action(async (name: string | undefined) => {
      if (!name) {
        for (const [n, d] of Object.entries(PATTERN_DEMOS)) console.log(`${n.padEnd(14)} ${d.about}`);
        return;
      }
      const d = PATTERN_DEMOS[name];
      if (!d) throw new CliError(`no pattern '${name}'; patterns: ${Object.keys(PATTERN_DEMOS).join(', ')}`);
      console.log(`${name}: ${d.about}`);
      await d.run((line) => console.log(`  ${line}`));
    });
  demo
    .command('support')
    .description("a support desk's autonomous week: tickets with resolution-time, satisfaction and spend goals, kept by the goal controller through faults")
    .option('--days <n>', 'simulated days', '7')
    .option('--peak <n>', 'tickets per hour at the daily peak', '40')
    .option('--seed <n>', 'random seed (same seed, same week)', '7')
    .option('--spec <file>', 'a daca.yaml with the goals to keep (default: the built-in support desk spec)')
    .option('--out <dir>', 'folder of the HTML report', '.daca/reports')
    .option('--quiet', 'no progress lines')
    .option('--json', 'print the figures as JSON')
    .action(async (f: { days: string; peak: string; seed: string; spec?: string; out: string; quiet?: boolean; json?: boolean }) => {
      await runWeekDemo('support', f);
    });
  demo
    .command('marketplace')
    .description('a marketplace of buyer, seller and mediator agents negotiating through daca (1,000 / 500 / 100 by default)')
    .option('--buyers <n>', 'buyer agents', '1000')
    .option('--sellers <n>', 'seller agents', '500')
    .option('--mediators <n>', 'mediator agents', '100')
    .option('--demand <n>', 'needs posted over the run (default 3 per buyer)')
    .option('--skus <n>', 'SKUs traded', '40')
    .option('--model-share <p>', 'share of negotiation moves made by a model call through the gateway', '0.2')
    .option('--seed <n>', 'random seed (same seed, same market)', '7')
    .option('--horizon-min <n>', 'simulated minutes over which needs arrive', '60')
    .option('--fault-rate <p>', 'inject faults at this rate: drops, duplicates, reordering, agent kills, 2 store restarts')
    .option('--drop <p>', 'probability a message between agents is lost')
    .option('--duplicate <p>', 'probability a message is delivered twice')
    .option('--reorder <p>', 'probability a message is delayed by up to 3 s')
    .option('--kill-rate <x>', 'agent kills per agent per simulated hour')
    .option('--store-restarts <n>', 'times the durable store is restarted during the run')
    .option('--durable-settlement', 'settle each deal as a durable step on Restate (restate-server is started)')
    .option('--restate-restarts <n>', 'times restate-server is killed (SIGKILL) during a settlement step and restarted')
    .option('--approver <who>', 'who approves deals above the spec limit: policy (an agent) or human (daca approvals)', 'policy')
    .option('--follow <deal...>', 'print the history of these deals (e.g. need-42)')
    .option('--spec <file>', 'a daca.yaml to run the market under (default: the market spec, examples/marketplace/daca.yaml)')
    .option('--data-dir <dir>', 'where the node keeps its data (default: a temporary folder)')
    .option('--quiet', 'no progress lines')
    .option('--json', 'print the report as JSON')
    .option('--days <n>', 'run the autonomous week instead: N simulated days kept by the goal controller, with faults; writes an HTML report (--buyers defaults to 400, --demand is needs per 4 h at the peak, default 800)')
    .option('--out <dir>', 'with --days: folder of the HTML report', '.daca/reports')
    .action(async (f: MarketFlags) => {
      if (f.days !== undefined) {
        await runWeekDemo('marketplace', { days: f.days, seed: f.seed, out: f.out ?? '.daca/reports', buyers: f.buyers === '1000' ? '400' : f.buyers, demand: f.demand, spec: f.spec, quiet: f.quiet, json: f.json });
        return;
      }
      const cfg = marketConfigFromFlags(f);
      const spec = f.spec ? await loadSpecFile(f.spec) : undefined;
      const progressEvery = 10 * 60_000;
      let nextProgress = progressEvery;
      if (!f.json) process.stderr.write(`market ${cfg.id}: ${cfg.buyers} buyers, ${cfg.sellers} sellers, ${cfg.mediators} mediators, ${cfg.demand} needs over ${cfg.horizonMs / 60_000} simulated minutes\n`);
      const { report, market, dataDir } = await runMarket(cfg, {
        ...(spec ? { spec } : {}),
        ...(f.dataDir ? { dataDir: f.dataDir } : {}),
        databaseUrl: process.env.DACA_DATABASE_URL,
        natsUrl: process.env.DACA_NATS_URL,
        onProgress: (m) => {
          if (f.quiet || f.json || m.now() < nextProgress) return;
          nextProgress += progressEvery;
          const s = m.snapshot();
          process.stderr.write(`  ${String(Math.round(s.simMs / 60_000)).padStart(4)} min simulated  ${String(s.deals).padStart(6)} deals  ${String(s.expired).padStart(5)} expired  queued ${s.queued}  model $${(s.modelMicros / 1e6).toFixed(4)}\n`);
        },
      });
      const follow = (f.follow ?? []).map((d) => ({ deal: d, history: market.deals.history(d) }));
      if (f.json) {
        console.log(JSON.stringify({ ...report, dataDir, follow }, null, 2));
        return;
      }
      console.log(formatReport(report));
      for (const d of follow) console.log(`\n${formatHistory(d.deal, d.history)}`);
      console.log(`\ndata: ${dataDir} (audit, approvals and usage of the run)`);
      console.log(JSON.stringify(report.figures));
      if (report.figures.invariant_violations > 0) throw new CliError(`${report.figures.invariant_violations} invariant violations`);
    });
}
