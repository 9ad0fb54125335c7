/**
 * `daca usage`: usage and cost grouped by agent, team, tenant, model, day or tag, with totals and
 * what the cache and routing saved (per-row routing policy and reason: `daca usage export`).
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, type ConnectionFlags } from './admin-client.js';
import { output } from './format.js';
import { withConnection } from './connection.js';

interface UsageFlags extends ConnectionFlags {
  groupBy: string;
  from?: string;
  to?: string;
  tenant?: string;
  team?: string;
  agent?: string;
  model?: string;
  tag?: string[];
  csv?: boolean;
  json?: boolean;
}

/** Registers `daca usage`. */
export function registerUsage(program: Command): void {
  withConnection(
    program
      .command('usage')
      .description('usage and cost, grouped (agent, team, tenant, model, provider, key, day, session, tag:<name>)')
      .option('-g, --group-by <dims>', 'comma-separated dimensions', 'agent')
      .option('--from <time>', 'start: ISO date, ms, or relative (-24h, -7d)')
      .option('--to <time>', 'end (exclusive)')
      .option('--tenant <tenant>')
      .option('--team <team>')
      .option('--agent <agent>')
      .option('--model <model>')
      .option('--tag <k=v...>', 'only rows with this tag (repeatable)')
      .option('--csv', 'print CSV')
      .option('--json', 'print JSON'),
  ).action(async (f: UsageFlags) => {
    const q = new URLSearchParams({ group_by: f.groupBy });
    for (const k of ['from', 'to', 'tenant', 'team', 'agent', 'model'] as const) if (f[k]) q.set(k, f[k]!);
    for (const t of f.tag ?? []) {
      const [k, v] = t.split('=');
      if (k && v) q.set(`tag.${k}`, v);
    }
    const t = adminTarget(f);
    if (f.csv) {
      q.set('format', 'csv');
      process.stdout.write(await adminFetch<string>(t, `/api/usage?${q}`, { accept: 'text' }));
      return;
    }
    const r = await adminFetch<{ group_by: string[]; groups: Record<string, unknown>[]; totals: Record<string, unknown> }>(t, `/api/usage?${q}`);
    const dims = r.group_by;
    const cols = [...dims, 'requests', 'errors', 'input_tokens', 'output_tokens', 'cost_usd', 'saved_by_cache_usd', 'saved_by_routing_usd', 'avg_latency_ms'];
    output(!!f.json, r, [...r.groups, { ...Object.fromEntries(dims.map((d, i) => [d, i === 0 ? 'TOTAL' : ''])), ...r.totals }], cols);
  });
}
