/**
 * `daca deals start|list|show`: marketplaces run on a running daca (the dashboard's marketplace
 * page uses the same API, `/api/orchestration/markets`): start one, list its settled deals, and
 * follow one deal through its negotiation (posted, matched, offers and counter-offers, agreement,
 * the contract, approval, settlement).
 */
import type { Command } from 'commander';
import { formatHistory, type DealEvent } from '../orchestration/marketplace/deal-log.js';
import type { JsonValue } from '../runtime/types.js';
import { adminFetch, adminTarget, CliError, type AdminTarget, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

type Flags = ConnectionFlags & { market?: string; json?: boolean };
type MarketJson = { id: string; running: boolean; deals: number; needs: number; started_at: string; figures: Record<string, number> | null; error: string | null };

/** The market named by `--market`, else the newest one on the node. */
async function marketId(t: AdminTarget, flag: string | undefined): Promise<string> {
  if (flag) return flag;
  const r = await adminFetch<{ data: MarketJson[] }>(t, '/api/orchestration/markets');
  const m = r.data[0];
  if (!m) throw new CliError('no market has run on this node; start one with `daca deals start` (or the dashboard\'s marketplace page)');
  return m.id;
}

const int = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer, got '${v}'`);
  return n;
};

/** Registers `daca deals`. */
export function registerDeals(program: Command): void {
  const deals = program.command('deals').description('marketplace deals on a running daca: start a market, list deals, show one deal\'s history');

  withConnection(
    deals
      .command('start')
      .description('start a marketplace on the running node (waits for it to finish unless --no-wait)')
      .option('--buyers <n>', 'buyer agents', '100')
      .option('--sellers <n>', 'seller agents', '50')
      .option('--mediators <n>', 'mediator agents', '10')
      .option('--fault-rate <p>', 'share of messages dropped/duplicated/delayed, agents killed', '0')
      .option('--no-wait', 'return as soon as it started')
      .option('--json', 'print JSON'),
  ).action(async (f: Flags & { buyers: string; sellers: string; mediators: string; faultRate: string; wait: boolean }) => {
    const t = adminTarget(f);
    const fault = Number(f.faultRate);
    if (!(fault >= 0 && fault <= 0.5)) throw new CliError(`--fault-rate must be in [0, 0.5], got '${f.faultRate}'`);
    let m = await adminFetch<MarketJson>(t, '/api/orchestration/markets', { method: 'POST', body: { buyers: int('buyers', f.buyers), sellers: int('sellers', f.sellers), mediators: int('mediators', f.mediators), fault_rate: fault } });
    while (f.wait && m.running) {
      await new Promise((r) => setTimeout(r, 500));
      m = await adminFetch<MarketJson>(t, `/api/orchestration/markets/${encodeURIComponent(m.id)}`);
      if (!f.json) process.stderr.write(`\r${m.id}: ${m.deals} deals of ${m.needs} needs`);
    }
    if (!f.json && f.wait) process.stderr.write('\n');
    if (m.error) throw new CliError(`market ${m.id} failed: ${m.error}`);
    if (f.json) process.stdout.write(JSON.stringify(m) + '\n');
    else process.stdout.write(`market ${m.id}${m.running ? ' running' : ` done: ${m.deals} deals`}; \`daca deals list --market ${m.id}\`\n`);
  });

  withConnection(
    deals
      .command('list')
      .description('settled deals of a market, newest first (default: the newest market)')
      .option('--market <id>', 'market id (`GET /api/orchestration/markets`)')
      .option('--limit <n>', 'at most this many', '20')
      .option('--json', 'print JSON'),
  ).action(async (f: Flags & { limit: string }) => {
    const t = adminTarget(f);
    const id = await marketId(t, f.market);
    const r = await adminFetch<{ data: Record<string, unknown>[] }>(t, `/api/orchestration/markets/${encodeURIComponent(id)}/deals?limit=${int('limit', f.limit)}`);
    output(!!f.json, r, r.data, ['deal', 'buyer', 'seller', 'sku', 'qty', 'amount_usd', 'rounds', 'posted_s', 'settled_s']);
  });

  withConnection(
    deals
      .command('show <deal>')
      .description('one deal\'s history: posted, matched, offers and counter-offers, agreement, contract, approval, settlement')
      .option('--market <id>', 'market id (default: the newest market)')
      .option('--json', 'print JSON'),
  ).action(async (deal: string, f: Flags) => {
    const t = adminTarget(f);
    const id = await marketId(t, f.market);
    const r = await adminFetch<{ deal: string; history: { at_s: number; kind: string; by: string; detail: { [k: string]: JsonValue } }[] }>(
      t, `/api/orchestration/markets/${encodeURIComponent(id)}/deals/${encodeURIComponent(deal)}`,
    );
    if (f.json) {
      process.stdout.write(JSON.stringify({ market: id, ...r }, null, 2) + '\n');
      return;
    }
    const events: DealEvent[] = r.history.map((e) => ({ at: Math.round(e.at_s * 1000), kind: e.kind, by: e.by, ...(Object.keys(e.detail).length ? { detail: e.detail } : {}) }));
    process.stdout.write(`market ${id}\n${formatHistory(r.deal, events)}\n`);
  });
}
