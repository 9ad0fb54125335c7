/**
 * `daca rollout start | status | history | promote | rollback | analyze`: canary rollouts of model
 * versions to agent groups, through the admin API (`/api/rollouts`). `start --gate-suite` runs the
 * eval gate (src/evals) here first, through daca, and refuses to start a significantly worse
 * candidate.
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

interface Arm {
  requests: number;
  error_rate: number;
  success_rate: number | null;
  judged: number;
  mean_latency_ms: number;
}

interface RolloutJson {
  id: string;
  group: string;
  from: string;
  to: string;
  canary_pct: number;
  by: string;
  status: string;
  started: string;
  ends: string;
  decided: string | null;
  reason: string | null;
  analysis: { verdict: string; reason: string; stable: Arm; canary: Arm } | null;
}

interface StartFlags extends ConnectionFlags {
  agentGroup: string;
  to: string;
  from?: string;
  canary: string;
  for: string;
  by: string;
  promoteIf?: string;
  rollbackIf?: string;
  gateSuite?: string;
  baseUrl?: string;
  apiKey?: string;
  seed?: string;
  trials?: string;
  concurrency: string;
  results: string;
  json?: boolean;
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
const when = (iso: string | null): string => (iso ? iso.replace('T', ' ').slice(0, 19) : '');

/** One table row of a rollout. */
export function rolloutRow(r: RolloutJson): Record<string, unknown> {
  const a = r.analysis;
  return {
    id: r.id,
    group: r.group,
    change: `${r.from} → ${r.to}`,
    canary: `${r.canary_pct}% ${r.by}`,
    status: r.status,
    'stable err/succ': a ? `${pct(a.stable.error_rate)} / ${pct(a.stable.success_rate)} (n=${a.stable.requests})` : '',
    'canary err/succ': a ? `${pct(a.canary.error_rate)} / ${pct(a.canary.success_rate)} (n=${a.canary.requests})` : '',
    started: when(r.started),
    'ends/decided': when(r.decided ?? r.ends),
    reason: (r.reason ?? a?.reason ?? '').slice(0, 90),
  };
}

async function start(f: StartFlags): Promise<void> {
  const t = adminTarget(f);
  const body: Record<string, unknown> = { group: f.agentGroup, to: f.to, canary: f.canary, for: f.for, by: f.by };
  if (f.from) body.from = f.from;
  if (f.promoteIf !== undefined) body.promote_if = f.promoteIf;
  if (f.rollbackIf !== undefined) body.rollback_if = f.rollbackIf;
  if (f.gateSuite) {
    body.gate_suite = f.gateSuite;
    body.gate = await gate(f, t);
  }
  const r = await adminFetch<RolloutJson>(t, '/api/rollouts', { method: 'POST', body });
  if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else process.stdout.write(`started rollout ${r.id}: ${r.group} ${r.from} → ${r.to} on ${r.canary_pct}% of ${r.by} until ${when(r.ends)}\n`);
}

async function gate(f: StartFlags, t: ReturnType<typeof adminTarget>): Promise<{ suite: string; passed: boolean; reasons: string[]; baseline_run?: string; candidate_run?: string }> {
  const version = (id: string) => adminFetch<{ id: string; model: string }>(t, `/api/registry/versions/${encodeURIComponent(id)}`);
  let fromId = f.from;
  if (!fromId) {
    const aliases = await adminFetch<{ data: { name: string; version: string }[] }>(t, `/api/registry/aliases?group=${encodeURIComponent(f.agentGroup)}`);
    fromId = aliases.data.find((a) => a.name === 'stable')?.version;
    if (!fromId) throw new CliError(`group '${f.agentGroup}' has no stable version; set one with \`daca models alias ${f.agentGroup} stable <version>\` or pass --from`);
  }
  const [from, to] = await Promise.all([version(fromId), version(f.to)]);
  const { runRolloutGate } = await import('../governance/rollout-gate.js');
  const { modelApi, openRunStore, intFlag } = await import('../evals/cli/options.js');
  const { renderComparisonTable } = await import('../evals/reports/table.js');
  const { terminalProgress, silentProgress } = await import('../evals/progress.js');
  const store = await openRunStore({ results: f.results, dataDir: f.dataDir ?? '.daca' });
  const api = modelApi({ ...(f.baseUrl ? { baseUrl: f.baseUrl } : { baseUrl: `${t.url}/v1` }), ...(f.apiKey ? { apiKey: f.apiKey } : {}), dataDir: f.dataDir ?? '.daca' });
  try {
    process.stderr.write(`eval gate: suite ${f.gateSuite}, baseline ${from.id} (${from.model}) vs candidate ${to.id} (${to.model})\n`);
    const { record, outcome } = await runRolloutGate({
      suite: f.gateSuite!, baselineModel: from.model, candidateModel: to.model, baseUrl: api.baseUrl, ...(api.apiKey ? { apiKey: api.apiKey } : {}), store: store.sink,
      ...(f.seed !== undefined ? { seed: intFlag('seed', f.seed, 1) } : {}), ...(f.trials ? { trials: Math.max(1, intFlag('trials', f.trials, 1)) } : {}),
      concurrency: Math.max(1, intFlag('concurrency', f.concurrency, 8)), progress: f.json ? silentProgress : terminalProgress(),
    });
    if (!f.json) {
      process.stderr.write(renderComparisonTable(outcome.comparison));
      for (const c of outcome.decision.checks) process.stderr.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
      process.stderr.write(record.passed ? 'GATE PASSED\n' : `GATE FAILED\n${record.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    }
    return { suite: record.suite, passed: record.passed, reasons: record.reasons, ...(record.baselineRun ? { baseline_run: record.baselineRun } : {}), ...(record.candidateRun ? { candidate_run: record.candidateRun } : {}) };
  } finally {
    await store.close();
  }
}

/** Registers `daca rollout`. */
export function registerRollout(program: Command): void {
  const cmd = program.command('rollout').description('canary rollouts of model versions to agent groups: start, watch, promote, roll back');

  withConnection(
    cmd
      .command('start')
      .description('send a sticky share of a group\'s agents (or traffic) to a candidate version; daca promotes or rolls back on evidence')
      .requiredOption('-g, --agent-group <group>', 'team:T, agent:A, tenant:X, group:G (spec governance.groups), all, or a team/agent name')
      .requiredOption('--to <version>', 'the candidate version (see `daca models list`)')
      .option('--from <version>', "the version it replaces (default: the group's stable alias)")
      .option('--canary <share>', 'share of agents (or traffic) on the canary, e.g. 5%', '5%')
      .option('--for <duration>', 'how long the rollout runs before its final decision, e.g. 7d, 24h', '7d')
      .option('--by <unit>', 'agents (sticky by agent id) or traffic (sticky by session, else per request)', 'agents')
      .option('--promote-if <conditions>', 'promote early when met with significance, e.g. "success +5%"')
      .option('--rollback-if <conditions>', 'guards: roll back at once when breached, e.g. "error_rate > 2%, block_rate > stable + 1%"')
      .option('--gate-suite <file>', 'run this eval suite first (stable vs candidate) and refuse to start when the candidate is significantly worse')
      .option('--base-url <url>', "daca's OpenAI-compatible API for the gate (default: --url + /v1)")
      .option('--api-key <key>', 'virtual key for the gate\'s eval calls (DACA_API_KEY; default .daca/dev-key)')
      .option('--seed <n>', 'eval seed of the gate')
      .option('--trials <k>', 'eval trials per case of the gate')
      .option('--concurrency <n>', 'eval trials in flight', '8')
      .option('--results <dir>', 'where the gate keeps its eval runs', '.daca/evals')
      .option('--json', 'print JSON'),
  ).action(async (f: StartFlags) => {
    if (!['agents', 'traffic'].includes(f.by)) throw new CliError(`--by must be agents or traffic (got '${f.by}')`);
    await start(f);
  });

  withConnection(
    cmd
      .command('status')
      .description('rollouts with canary-vs-stable figures (running ones unless --all)')
      .option('-g, --agent-group <group>', 'only this group')
      .option('--all', 'every rollout, also promoted and rolled back ones')
      .option('--json', 'print JSON (the /api/rollouts answer)'),
  ).action(async (f: ConnectionFlags & { agentGroup?: string; all?: boolean; json?: boolean }) => {
    const q = new URLSearchParams({ status: f.all ? 'all' : 'running' });
    if (f.agentGroup) q.set('group', f.agentGroup);
    const r = await adminFetch<{ data: RolloutJson[] }>(adminTarget(f), `/api/rollouts?${q}`);
    if (!f.json && !r.data.length) {
      process.stdout.write(f.all ? 'no rollouts\n' : 'no running rollouts (use --all for finished ones)\n');
      return;
    }
    output(!!f.json, r, r.data.map(rolloutRow));
  });

  withConnection(
    cmd
      .command('history')
      .description("a group's (or every) rollout steps and alias changes, oldest first")
      .option('-g, --agent-group <group>', 'only this group')
      .option('--json', 'print JSON'),
  ).action(async (f: ConnectionFlags & { agentGroup?: string; json?: boolean }) => {
    const q = f.agentGroup ? `?group=${encodeURIComponent(f.agentGroup)}` : '';
    const r = await adminFetch<{ data: { time: string; group: string; kind: string; rollout: string | null; actor: string; summary: string }[] }>(adminTarget(f), `/api/rollouts/history${q}`);
    if (!f.json && !r.data.length) {
      process.stdout.write('no history\n');
      return;
    }
    output(!!f.json, r, r.data.map((h) => ({ time: when(h.time), group: h.group, event: h.kind, rollout: h.rollout ?? '', by: h.actor, what: h.summary.length > 160 ? `${h.summary.slice(0, 157)}...` : h.summary })));
  });

  withConnection(
    cmd
      .command('promote <rollout>')
      .description('promote a running canary now: it becomes the group\'s stable version')
      .option('--reason <text>', 'why (kept in the history and the audit ledger)')
      .option('--json', 'print JSON'),
  ).action(async (id: string, f: ConnectionFlags & { reason?: string; json?: boolean }) => {
    const r = await adminFetch<RolloutJson>(adminTarget(f), `/api/rollouts/${encodeURIComponent(id)}/promote`, { method: 'POST', body: f.reason ? { reason: f.reason } : {} });
    if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else process.stdout.write(`promoted ${r.id}: ${r.group} now runs ${r.to} (was ${r.from})\n`);
  });

  withConnection(
    cmd
      .command('rollback [rollout]')
      .description("roll back at once: a running canary (by id, or the group's), or the group's stable version to one of its kept versions")
      .option('-g, --agent-group <group>', "the group whose running canary (or stable version) to roll back")
      .option('--to <version>', 'a kept version to return the stable alias to (default: the previous one)')
      .option('--reason <text>', 'why (kept in the history and the audit ledger)')
      .option('--json', 'print JSON'),
  ).action(async (id: string | undefined, f: ConnectionFlags & { agentGroup?: string; to?: string; reason?: string; json?: boolean }) => {
    const t = adminTarget(f);
    if (id) {
      const r = await adminFetch<RolloutJson>(t, `/api/rollouts/${encodeURIComponent(id)}/rollback`, { method: 'POST', body: f.reason ? { reason: f.reason } : {} });
      if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else process.stdout.write(`rolled back ${r.id}: ${r.group} is back on ${r.from}\n`);
      return;
    }
    if (!f.agentGroup) throw new CliError('give a rollout id or --agent-group');
    const r = await adminFetch<{ rollout: RolloutJson | null; stable: string | null; previous: string | null }>(t, '/api/rollouts/rollback', {
      method: 'POST', body: { group: f.agentGroup, ...(f.to ? { to: f.to } : {}), ...(f.reason ? { reason: f.reason } : {}) },
    });
    if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else process.stdout.write(r.rollout ? `rolled back ${r.rollout.id}: ${r.rollout.group} is back on ${r.stable}\n` : `${f.agentGroup}: stable ${r.previous} → ${r.stable}\n`);
  });

  withConnection(
    cmd
      .command('analyze [rollout]')
      .description('run the live analysis now (one rollout: show it; none: analyse and act on every running rollout)')
      .option('--json', 'print JSON'),
  ).action(async (id: string | undefined, f: ConnectionFlags & { json?: boolean }) => {
    const t = adminTarget(f);
    if (!id) {
      const r = await adminFetch<{ data: { rollout: string; verdict: string }[] }>(t, '/api/rollouts/analyze', { method: 'POST', body: {} });
      output(!!f.json, r, r.data);
      return;
    }
    const a = await adminFetch<{ verdict: string; reason: string; guards: { condition: string; holds: boolean; pending: boolean; detail: string }[]; promotion: { condition: string; holds: boolean; pending: boolean; detail: string }[] }>(
      t, `/api/rollouts/${encodeURIComponent(id)}/analyze`, { method: 'POST', body: {} },
    );
    if (f.json) {
      process.stdout.write(JSON.stringify(a, null, 2) + '\n');
      return;
    }
    process.stdout.write(`verdict: ${a.verdict} — ${a.reason}\n`);
    for (const g of a.guards) process.stdout.write(`guard   ${g.pending ? 'wait' : g.holds ? 'BREACH' : 'ok  '} ${g.condition}: ${g.detail}\n`);
    for (const p of a.promotion) process.stdout.write(`promote ${p.pending ? 'wait' : p.holds ? 'MET ' : 'no  '} ${p.condition}: ${p.detail}\n`);
  });
}
