/**
 * `daca models list | register | status | alias | aliases | agents`: the model registry through the
 * admin API (`/api/registry`): versions with provider model id, parameters, prompt template
 * version, eval runs and status; aliases per agent group; which agent used which version when.
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

interface VersionJson {
  id: string;
  model: string;
  provider: string;
  upstream: string;
  params: Record<string, number>;
  prompt_version: string | null;
  status: string;
  eval_runs: string[];
  description: string | null;
}

const STATUSES = ['draft', 'candidate', 'stable', 'retired'];

function versionRow(v: VersionJson): Record<string, unknown> {
  return {
    version: v.id, status: v.status, model: v.model, upstream: `${v.provider}/${v.upstream}`,
    params: Object.entries(v.params).map(([k, x]) => `${k}=${x}`).join(' ') || '-', prompt: v.prompt_version ?? '-', evals: v.eval_runs.length || '-',
  };
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`--${name} expects a number (got '${v}')`);
  return n;
}

/** Registers `daca models`. */
export function registerModels(program: Command): void {
  const cmd = program.command('models').description('the model registry: versions, aliases per agent group, which agents use which version');

  withConnection(cmd.command('list').description('registered model versions').option('--json', 'print JSON')).action(async (f: ConnectionFlags & { json?: boolean }) => {
    const r = await adminFetch<{ data: VersionJson[] }>(adminTarget(f), '/api/registry/versions');
    if (!f.json && !r.data.length) {
      process.stdout.write('no model versions; declare them under governance.versions in daca.yaml or use `daca models register`\n');
      return;
    }
    output(!!f.json, r, r.data.map(versionRow));
  });

  withConnection(
    cmd
      .command('register <version>')
      .description('register (or update) a model version')
      .requiredOption('--model <model>', 'a model or alias of the spec')
      .option('--temperature <t>', 'pinned temperature')
      .option('--top-p <p>', 'pinned top_p')
      .option('--max-tokens <n>', 'pinned max_tokens')
      .option('--prompt-version <v>', 'version of the prompt template it ships with')
      .option('--status <status>', STATUSES.join(', '))
      .option('--eval-run <id...>', 'eval run ids that measured it')
      .option('--description <text>')
      .option('--json', 'print JSON'),
  ).action(async (id: string, f: ConnectionFlags & { model: string; temperature?: string; topP?: string; maxTokens?: string; promptVersion?: string; status?: string; evalRun?: string[]; description?: string; json?: boolean }) => {
    if (f.status && !STATUSES.includes(f.status)) throw new CliError(`--status must be one of ${STATUSES.join(', ')}`);
    const params = Object.fromEntries(
      Object.entries({ temperature: num('temperature', f.temperature), top_p: num('top-p', f.topP), max_tokens: num('max-tokens', f.maxTokens) }).filter(([, v]) => v !== undefined),
    );
    const v = await adminFetch<VersionJson>(adminTarget(f), '/api/registry/versions', {
      method: 'POST',
      body: {
        id, model: f.model, ...(Object.keys(params).length ? { params } : {}), ...(f.promptVersion ? { prompt_version: f.promptVersion } : {}), ...(f.status ? { status: f.status } : {}),
        ...(f.evalRun ? { eval_runs: f.evalRun } : {}), ...(f.description ? { description: f.description } : {}),
      },
    });
    if (f.json) process.stdout.write(JSON.stringify(v, null, 2) + '\n');
    else process.stdout.write(`registered ${v.id}: ${v.model} (${v.provider}/${v.upstream}), ${v.status}\n`);
  });

  withConnection(cmd.command('status <version> <status>').description(`set a version's status (${STATUSES.join(', ')})`).option('--json', 'print JSON')).action(
    async (id: string, status: string, f: ConnectionFlags & { json?: boolean }) => {
      if (!STATUSES.includes(status)) throw new CliError(`status must be one of ${STATUSES.join(', ')}`);
      const v = await adminFetch<VersionJson>(adminTarget(f), `/api/registry/versions/${encodeURIComponent(id)}`, { method: 'PATCH', body: { status } });
      if (f.json) process.stdout.write(JSON.stringify(v, null, 2) + '\n');
      else process.stdout.write(`${v.id} is ${v.status}\n`);
    },
  );

  withConnection(
    cmd
      .command('alias <group> <name> <version>')
      .description('point an alias of an agent group (stable, canary or a named one) at a version; the gateway follows at once')
      .option('--reason <text>')
      .option('--json', 'print JSON'),
  ).action(async (group: string, name: string, version: string, f: ConnectionFlags & { reason?: string; json?: boolean }) => {
    const r = await adminFetch<{ scope: string; name: string; version: string; previous: string | null }>(adminTarget(f), '/api/registry/aliases', {
      method: 'PUT', body: { group, name, version, ...(f.reason ? { reason: f.reason } : {}) },
    });
    if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else process.stdout.write(`${r.scope} ${r.name}: ${r.previous ?? '(none)'} → ${r.version}\n`);
  });

  withConnection(cmd.command('aliases').description('aliases per agent group').option('-g, --agent-group <group>', 'only this group').option('--json', 'print JSON')).action(
    async (f: ConnectionFlags & { agentGroup?: string; json?: boolean }) => {
      const q = f.agentGroup ? `?group=${encodeURIComponent(f.agentGroup)}` : '';
      const r = await adminFetch<{ data: { scope: string; name: string; version: string; updated_at: number }[] }>(adminTarget(f), `/api/registry/aliases${q}`);
      output(!!f.json, r, r.data.map((a) => ({ group: a.scope, alias: a.name, version: a.version, since: new Date(a.updated_at).toISOString().replace('T', ' ').slice(0, 19) })));
    },
  );

  withConnection(
    cmd
      .command('agents')
      .description('which version each agent uses (or used at --at), and on which arm of a rollout')
      .option('--at <time>', 'a past time (ISO date or ms since the epoch)')
      .option('--agents <list>', 'more agents as team/agent, comma-separated (spec agents are always listed)')
      .option('--json', 'print JSON'),
  ).action(async (f: ConnectionFlags & { at?: string; agents?: string; json?: boolean }) => {
    const q = new URLSearchParams();
    if (f.at) q.set('at', f.at);
    if (f.agents) q.set('agents', f.agents);
    const r = await adminFetch<{ data: { agent: string; team: string; version: string | null; arm: string | null; rollout: string | null; scope: string | null }[] }>(adminTarget(f), `/api/registry/agents?${q}`);
    output(!!f.json, r, r.data.map((a) => ({ agent: a.agent, team: a.team, version: a.version ?? '(spec model)', arm: a.arm ?? '-', rollout: a.rollout ?? '-', via: a.scope ?? '-' })));
  });
}
