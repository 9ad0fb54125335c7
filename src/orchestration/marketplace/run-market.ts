/**
 * Runs a marketplace end to end on a daca node of its own: services (gateway with the sim
 * provider, approvals, tool policy, audit) from the market spec, the bus from the environment
 * (`DACA_NATS_URL` → NATS JetStream), the ledger on the node's database (a SQLite file next to
 * it by default, `DACA_DATABASE_URL` for PostgreSQL). `daca demo marketplace` and the benchmark
 * call this; the dashboard's API builds a Market on the running node instead.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openBus } from '../../bus/open-bus.js';
import type { Bus } from '../../bus/types.js';
import { createServices, type Services } from '../../server/services.js';
import type { LoadedSpec } from '../../spec/loader.js';
import { openStore } from '../../store/open-store.js';
import { Market } from './market.js';
import type { MarketConfig } from './market-config.js';
import type { MarketReport } from './market-report.js';
import { loadMarketSpec } from './market-spec.js';

/** Options of a standalone run. */
export interface RunMarketOptions {
  /** The spec (default: the market spec). */
  spec?: LoadedSpec;
  /** Data folder (default: a fresh temporary one). */
  dataDir?: string;
  /** `DACA_DATABASE_URL` (PostgreSQL) or undefined for SQLite under dataDir. */
  databaseUrl?: string;
  /** `DACA_NATS_URL` (NATS JetStream) or undefined for the in-process bus. */
  natsUrl?: string;
  /** Deals whose history to keep (default all). */
  follow?: string[];
  onProgress?: (m: Market) => void;
  /** Called once the market is built (e.g. to keep a handle for live views). */
  onOpen?: (m: Market, s: Services) => void;
  /** Called after the run, before the node closes (tests look at audit, approvals, usage). */
  inspect?: (m: Market, s: Services) => Promise<void>;
}

/** The outcome of a run. */
export interface MarketRun {
  report: MarketReport;
  market: Market;
  dataDir: string;
}

/**
 * Runs one market.
 * @example
 * ```ts
 * const { report } = await runMarket(marketConfig({ buyers: 100, sellers: 50, mediators: 10 }));
 * console.log(report.figures);
 * ```
 */
export async function runMarket(cfg: MarketConfig, opts: RunMarketOptions = {}): Promise<MarketRun> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'daca-market-'));
  // The simulated clock waits on work whose timers are unref'd (batch writers, the sim provider):
  // hold the process open for the run.
  const keepAlive = setInterval(() => {}, 60_000);
  const spec = opts.spec ?? loadMarketSpec();
  const services = await createServices({ spec, dataDir, databaseUrl: opts.databaseUrl, devKey: false, logger: pino({ level: process.env.DACA_LOG_LEVEL ?? 'silent' }) });
  let bus: Bus | null = null;
  let market: Market | null = null;
  try {
    bus = await openBus({ natsUrl: opts.natsUrl, env: {}, nats: { stream: 'DACA_MARKET', prefix: 'daca-market' } });
    const ledgerUrl = opts.databaseUrl ?? `sqlite:${join(dataDir, 'market.db')}`;
    market = await Market.open(cfg, {
      services, bus,
      openLedgerStore: async () => {
        const s = await openStore({ databaseUrl: ledgerUrl, dataDir });
        await s.migrate();
        return s;
      },
      ...(opts.follow ? { follow: opts.follow } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    opts.onOpen?.(market, services);
    const report = await market.run();
    await services.recorder.flush();
    await opts.inspect?.(market, services);
    return { report, market, dataDir };
  } finally {
    await market?.close();
    await bus?.close();
    await services.close();
    clearInterval(keepAlive);
  }
}
