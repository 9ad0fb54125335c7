/**
 * `daca approvals list|show|approve|reject`: human approvals on a running daca.
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

interface DecideFlags extends ConnectionFlags {
  as?: string;
  note?: string;
  model?: string;
  maxTokens?: string;
  args?: string[];
  json?: boolean;
}

type ApprovalJson = Record<string, unknown> & { id: string; status: string; decided_by: string | null };

/** `<tool_call_id>=<json>` → a tool-call argument edit. */
function parseArgEdit(s: string): { id: string; arguments: string } {
  const i = s.indexOf('=');
  if (i <= 0) throw new CliError(`--args expects <tool_call_id>=<json arguments>, got '${s}'`);
  const args = s.slice(i + 1);
  try {
    JSON.parse(args);
  } catch {
    throw new CliError(`--args for '${s.slice(0, i)}' is not valid JSON: ${args}`);
  }
  return { id: s.slice(0, i), arguments: args };
}

function modifications(f: DecideFlags): Record<string, unknown> | undefined {
  const m: Record<string, unknown> = {};
  if (f.model) m.model = f.model;
  if (f.maxTokens !== undefined) {
    const n = Number(f.maxTokens);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--max-tokens must be a positive integer, got '${f.maxTokens}'`);
    m.max_tokens = n;
  }
  if (f.args?.length) m.tool_calls = f.args.map(parseArgEdit);
  return Object.keys(m).length ? m : undefined;
}

/** Registers `daca approvals`. */
export function registerApprovals(program: Command): void {
  const approvals = program.command('approvals').description('list, approve and reject requests waiting for a human');
  withConnection(
    approvals
      .command('list')
      .description('list approvals, newest first (default: pending only)')
      .option('--status <status>', 'pending, approved, rejected, expired or all', 'pending')
      .option('--agent <agent>')
      .option('--tenant <tenant>')
      .option('--limit <n>', 'at most this many', '50')
      .option('--json', 'print JSON'),
  ).action(async (f: ConnectionFlags & { status: string; agent?: string; tenant?: string; limit: string; json?: boolean }) => {
    const q = new URLSearchParams({ limit: f.limit });
    if (f.status !== 'all') q.set('status', f.status);
    if (f.agent) q.set('agent', f.agent);
    if (f.tenant) q.set('tenant', f.tenant);
    const r = await adminFetch<{ data: ApprovalJson[] }>(adminTarget(f), `/api/approvals?${q}`);
    output(!!f.json, r, r.data, ['id', 'status', 'agent', 'model', 'rule', 'reason', 'expires_at', 'decided_by']);
  });
  withConnection(approvals.command('show <id>').description('show one approval with its request').option('--json', 'print JSON')).action(
    async (id: string, f: ConnectionFlags & { json?: boolean }) => {
      const r = await adminFetch<ApprovalJson>(adminTarget(f), `/api/approvals/${encodeURIComponent(id)}`);
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    },
  );
  const decideCmd = (name: 'approve' | 'reject', description: string): Command => {
    const cmd = approvals
      .command(`${name} <id>`)
      .description(description)
      .option('--as <name>', 'the approver name recorded with the decision (default: the admin key id)')
      .option('--note <text>', 'why');
    if (name === 'approve') {
      cmd
        .option('--model <model>', 'approve on this model (or alias) instead')
        .option('--max-tokens <n>', 'approve with this max_tokens')
        .option('--args <edit...>', 'edit a returned tool call: <tool_call_id>=<json arguments> (repeatable)');
    }
    return withConnection(cmd.option('--json', 'print JSON'));
  };
  for (const name of ['approve', 'reject'] as const) {
    decideCmd(name, name === 'approve' ? 'approve a pending request (optionally with changes)' : 'reject a pending request').action(async (id: string, f: DecideFlags) => {
      const body: Record<string, unknown> = {};
      if (f.as) body.as = f.as;
      if (f.note) body.note = f.note;
      const mods = name === 'approve' ? modifications(f) : undefined;
      if (mods) body.modifications = mods;
      const r = await adminFetch<ApprovalJson>(adminTarget(f), `/api/approvals/${encodeURIComponent(id)}/${name}`, { method: 'POST', body });
      process.stdout.write(f.json ? JSON.stringify(r, null, 2) + '\n' : `${r.status} ${r.id} by ${r.decided_by}${mods ? ' with changes' : ''}\n`);
    });
  }
}
