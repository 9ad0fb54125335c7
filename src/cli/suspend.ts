/**
 * `daca suspend <kind> <subject> --reason …`, `daca resume <kind> <subject>`, `daca suspensions`:
 * the kill switch on a running daca (applies on every node within seconds).
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

const KINDS = ['key', 'agent', 'team', 'tenant'];

function checkKind(kind: string): void {
  if (!KINDS.includes(kind)) throw new CliError(`unknown kind '${kind}': use ${KINDS.join(', ')}`);
}

/** Registers `daca suspend`, `daca resume` and `daca suspensions`. */
export function registerSuspend(program: Command): void {
  withConnection(
    program
      .command('suspend <kind> <subject>')
      .description('suspend a key, agent, team or tenant at once (its calls get 403 with the reason)')
      .requiredOption('--reason <text>', 'why; shown to callers')
      .option('--as <name>', 'who suspends (default: the admin key id)')
      .option('--json', 'print JSON'),
  ).action(async (kind: string, subject: string, f: ConnectionFlags & { reason: string; as?: string; json?: boolean }) => {
    checkKind(kind);
    const body: Record<string, unknown> = { kind, subject, reason: f.reason };
    if (f.as) body.as = f.as;
    const r = await adminFetch<Record<string, unknown>>(adminTarget(f), '/api/suspensions', { method: 'POST', body });
    console.log(f.json ? JSON.stringify(r, null, 2) : `suspended ${kind} ${subject}: ${f.reason}\n(lift it with \`daca resume ${kind} ${subject}\`)`);
  });
  withConnection(
    program.command('resume <kind> <subject>').description('lift the suspension of a key, agent, team or tenant').option('--json', 'print JSON'),
  ).action(async (kind: string, subject: string, f: ConnectionFlags & { json?: boolean }) => {
    checkKind(kind);
    const r = await adminFetch<Record<string, unknown>>(adminTarget(f), `/api/suspensions/${kind}/${encodeURIComponent(subject)}`, { method: 'DELETE' });
    console.log(f.json ? JSON.stringify(r) : `resumed ${kind} ${subject}`);
  });
  withConnection(program.command('suspensions').description('list suspended keys, agents, teams and tenants').option('--json', 'print JSON')).action(
    async (f: ConnectionFlags & { json?: boolean }) => {
      const r = await adminFetch<{ data: Record<string, unknown>[] }>(adminTarget(f), '/api/suspensions');
      output(!!f.json, r, r.data, ['kind', 'subject', 'reason', 'by', 'since']);
    },
  );
}
