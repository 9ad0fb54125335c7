/**
 * `daca alerts`: alert history (firing and resolved) with delivery status, from `/api/alerts`.
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

interface AlertsFlags extends ConnectionFlags {
  state: string;
  from?: string;
  limit?: string;
  json?: boolean;
}

interface AlertRow {
  id: string;
  rule: string;
  severity: string;
  state: string;
  subject: { kind: string; id: string };
  started_at: string;
  resolved_at: string | null;
  message: string;
  deliveries: { target: string; status: string; attempts: number }[];
}

/** One table row for an alert. */
export function alertTableRow(a: AlertRow): Record<string, unknown> {
  return {
    state: a.state,
    rule: a.rule,
    severity: a.severity,
    subject: `${a.subject.kind}:${a.subject.id}`,
    started: a.started_at.replace('T', ' ').slice(0, 19),
    resolved: a.resolved_at ? a.resolved_at.replace('T', ' ').slice(0, 19) : '',
    delivered: a.deliveries.map((d) => `${d.target}:${d.status}${d.attempts > 1 ? `(${d.attempts})` : ''}`).join(' '),
    message: a.message.length > 80 ? `${a.message.slice(0, 77)}...` : a.message,
  };
}

/** Registers `daca alerts`. */
export function registerAlerts(program: Command): void {
  withConnection(
    program
      .command('alerts')
      .description('alert history: firing and resolved alerts with webhook delivery status')
      .option('--state <state>', 'firing, resolved or all', 'all')
      .option('--from <time>', 'only alerts started since (ISO date, ms, or -24h / -7d); firing ones always show')
      .option('--limit <n>', 'most alerts to show', '100')
      .option('--json', 'print JSON (the /api/alerts answer)'),
  ).action(async (f: AlertsFlags) => {
    if (!['firing', 'resolved', 'all'].includes(f.state)) throw new CliError(`--state must be firing, resolved or all (got '${f.state}')`);
    const q = new URLSearchParams({ state: f.state, limit: f.limit ?? '100' });
    if (f.from) q.set('from', f.from);
    const r = await adminFetch<{ data: AlertRow[] }>(adminTarget(f), `/api/alerts?${q}`);
    if (!f.json && r.data.length === 0) {
      process.stdout.write(`no ${f.state === 'all' ? '' : `${f.state} `}alerts\n`);
      return;
    }
    output(!!f.json, r, r.data.map(alertTableRow));
  });
}
