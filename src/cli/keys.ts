/**
 * `daca keys create|list|revoke`: virtual keys on a running daca.
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, type ConnectionFlags } from './admin-client.js';
import { output } from './format.js';
import { withConnection } from './connection.js';

interface CreateFlags extends ConnectionFlags {
  agent?: string;
  team: string;
  tenant?: string;
  name?: string;
  role: string;
  models?: string;
  json?: boolean;
}

/** Registers `daca keys`. */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke virtual keys');
  withConnection(
    keys
      .command('create')
      .description('create a virtual key bound to a tenant, team and (optionally) an agent; the secret is shown once')
      .option('--agent <agent>', 'bind the key to this agent (it cannot claim another)')
      .option('--team <team>', 'team', 'default')
      .option('--tenant <tenant>', "tenant ('*' = every tenant, global admin only; default: the calling key's tenant)")
      .option('--name <name>', 'a label for the key')
      .option('--role <role>', 'admin, operator, auditor, approver or agent (docs/access-control.md)', 'agent')
      .option('--models <list>', 'comma-separated models/aliases the key may use (default: all)')
      .option('--json', 'print JSON'),
  ).action(async (f: CreateFlags) => {
    const body: Record<string, unknown> = { team: f.team, role: f.role };
    if (f.tenant) body.tenant = f.tenant;
    if (f.agent) body.agent = f.agent;
    if (f.name) body.name = f.name;
    if (f.models) body.models = f.models.split(',').map((s) => s.trim()).filter(Boolean);
    const r = await adminFetch<Record<string, unknown>>(adminTarget(f), '/api/keys', { method: 'POST', body });
    if (f.json) console.log(JSON.stringify(r, null, 2));
    else console.log(`created ${r.id} (${r.role}) for ${r.tenant}/${r.team}/${r.agent ?? '(any agent)'}\nkey: ${r.key}\n(store it now: it is shown only once)`);
  });
  withConnection(
    keys
      .command('list')
      .description('list keys (never their secrets)')
      .option('--tenant <tenant>')
      .option('--team <team>')
      .option('--agent <agent>')
      .option('--all', 'include revoked keys')
      .option('--json', 'print JSON'),
  ).action(async (f: ConnectionFlags & { tenant?: string; team?: string; agent?: string; all?: boolean; json?: boolean }) => {
    const q = new URLSearchParams();
    for (const k of ['tenant', 'team', 'agent'] as const) if (f[k]) q.set(k, f[k]!);
    if (f.all) q.set('include_revoked', 'true');
    const r = await adminFetch<{ data: Record<string, unknown>[] }>(adminTarget(f), `/api/keys?${q}`);
    output(!!f.json, r, r.data, ['id', 'prefix', 'tenant', 'team', 'agent', 'role', 'created_at', 'revoked_at']);
  });
  withConnection(keys.command('role <id> <role>').description("change a key's role (admin, operator, auditor, approver, agent)").option('--json', 'print JSON')).action(
    async (id: string, role: string, f: ConnectionFlags & { json?: boolean }) => {
      const r = await adminFetch<Record<string, unknown>>(adminTarget(f), `/api/keys/${encodeURIComponent(id)}`, { method: 'PATCH', body: { role } });
      console.log(f.json ? JSON.stringify(r) : `${id} is now ${String(r.role)}`);
    },
  );
  withConnection(keys.command('revoke <id>').description('revoke a key at once').option('--json', 'print JSON')).action(
    async (id: string, f: ConnectionFlags & { json?: boolean }) => {
      const r = await adminFetch<Record<string, unknown>>(adminTarget(f), `/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
      console.log(f.json ? JSON.stringify(r) : `revoked ${id}`);
    },
  );
}
