/**
 * `daca budgets`: the spec's budgets and what each subject spent and holds in its window.
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output, table } from './format.js';

interface Flags extends ConnectionFlags {
  scope?: string;
  subject?: string;
  window?: string;
  json?: boolean;
}

/** Registers `daca budgets` and `daca budgets sweep`. */
export function registerBudgets(program: Command): void {
  const budgets = withConnection(
    program
      .command('budgets')
      .description('show budgets and their spend (per session, agent, team, tenant or key and window)')
      .option('--scope <scope>', 'session, agent, team, tenant or key')
      .option('--subject <name>', 'one session, agent, team, tenant or key id')
      .option('--window <window>', 'day, month or total')
      .option('--json', 'print JSON'),
  ).action(async (f: Flags) => {
    const q = new URLSearchParams();
    for (const k of ['scope', 'subject', 'window'] as const) if (f[k]) q.set(k, f[k]!);
    const r = await adminFetch<{ budgets: Record<string, unknown>[]; data: Record<string, unknown>[] }>(adminTarget(f), `/api/budgets?${q}`);
    if (f.json) return output(true, r, []);
    const rules = r.budgets.map((b) => ({ ...b, applies_to: [b.tenant, b.team, b.agent, b.key].filter(Boolean).join('/') || `every ${b.scope}` }));
    console.log(table(rules, ['scope', 'applies_to', 'limit_usd', 'window', 'hard']));
    console.log('');
    output(false, r, r.data, ['scope', 'subject', 'window', 'window_start', 'spent_usd', 'reserved_usd', 'limit_usd']);
  });
  withConnection(budgets.command('sweep').description('free budget held by nodes that stopped (expired leases)').option('--json', 'print JSON')).action(
    async (_: unknown, cmd: Command) => {
      // Connection flags may be given before or after `sweep` (the parent command accepts them too).
      const f = cmd.optsWithGlobals<ConnectionFlags & { json?: boolean }>();
      const r = await adminFetch<{ freed_leases: number }>(adminTarget(f), '/api/budgets/sweep', { method: 'POST' });
      console.log(f.json ? JSON.stringify(r) : `freed ${r.freed_leases} expired lease(s)`);
    },
  );
}
