/**
 * `daca cost`: cost reports, the savings advisor, and router training from eval runs.
 *
 * - `daca cost report [-g agent,day] [--from -30d]` — cost per group and per successful task, saved by cache and routing
 * - `daca cost advise [--agent A] [--margin 2pp] [--suite suite.yaml]` — cheapest model or policy within the margin
 * - `daca cost train-router --suite suite.yaml [--margin 2pp] [--out .daca/router/<suite>.json]`
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output, table } from './format.js';

interface ReportFlags extends ConnectionFlags {
  groupBy: string;
  from?: string;
  to?: string;
  tenant?: string;
  team?: string;
  agent?: string;
  tag?: string[];
  json?: boolean;
}

interface AdviseFlags extends ConnectionFlags {
  agent?: string;
  margin: string;
  days: string;
  suite?: string;
  json?: boolean;
}

interface TrainFlags {
  suite: string;
  results: string;
  store?: string;
  dataDir: string;
  runs?: string;
  margin: string;
  minTrials: string;
  cascade: boolean;
  out?: string;
  json?: boolean;
}

interface AdviceView {
  agent: string;
  window_days: number;
  current: { model: string | null; requests: number; cost_usd: number; success: number | null };
  recommendation: { kind: string; name: string; success: number | null; projected_cost_usd: number; saving_usd: number; saving_pct: number; routing: unknown; reason: string };
  candidates: { kind: string; name: string; success: number; projected_cost_usd: number; qualifies: boolean }[];
  evidence: { run: string; model: string | null; trials: number; success: number }[];
}

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

async function suiteCases(path: string): Promise<{ name: string; system?: string; cases: { id: string; input: string; tags: string[] }[] }> {
  const { loadSuiteFile } = await import('../evals/suite-loader.js');
  const suite = await loadSuiteFile(path);
  const agent = suite.spec.agent;
  const system = agent?.kind === 'prompt' ? agent.system : undefined;
  return { name: suite.spec.name, ...(system ? { system } : {}), cases: suite.spec.cases.map((c) => ({ id: c.id, input: c.input, tags: [...c.tags] })) };
}

function printAdvice(a: AdviceView): void {
  const r = a.recommendation;
  const w = process.stdout;
  w.write(`agent ${a.agent}: now ${a.current.model ?? '-'} — ${a.current.requests} requests, $${a.current.cost_usd.toFixed(4)} over ${a.window_days} days, eval success ${pct(a.current.success)}\n`);
  if (r.kind === 'keep') w.write(`  keep as is: ${r.reason}\n`);
  else {
    w.write(`  recommend ${r.kind === 'model' ? `model ${r.name}` : 'the learned router'}: saves $${r.saving_usd.toFixed(4)} (${pct(r.saving_pct)}) per ${a.window_days} days at ${pct(r.success)} eval success\n`);
    w.write(`  why: ${r.reason}\n`);
    w.write(`  spec: agents.${a.agent}.routing: ${JSON.stringify(r.routing)}\n`);
    if (r.kind === 'router') w.write(`  apply: daca cost train-router --suite <the suite file> --out .daca/router/${a.agent}.json\n`);
  }
  if (a.candidates.length) w.write(table(a.candidates.map((c) => ({ ...c, success: pct(c.success) })), ['kind', 'name', 'success', 'projected_cost_usd', 'qualifies']).replace(/^/gm, '  ') + '\n');
  if (a.evidence.length) w.write(`  evidence: ${a.evidence.map((e) => `${e.run} (${e.model ?? '?'}: ${pct(e.success)} of ${e.trials})`).join(', ')}\n`);
}

/** Registers `daca cost`. */
export function registerCost(program: Command): void {
  const cost = program.command('cost').description('cost reports, savings advice and router training (caching and routing: see docs/cost.md)');

  withConnection(
    cost
      .command('report')
      .description('cost per agent/team/tenant/tag/day, per successful task, and what cache and routing saved')
      .option('-g, --group-by <dims>', 'comma-separated: agent, team, tenant, model, day, month, tag:<name>', 'agent')
      .option('--from <time>', 'start: ISO date, ms, or relative (-30d)', '-30d')
      .option('--to <time>', 'end (exclusive)')
      .option('--tenant <tenant>')
      .option('--team <team>')
      .option('--agent <agent>')
      .option('--tag <k=v...>', 'only rows with this tag (repeatable)')
      .option('--json', 'print JSON'),
  ).action(async (f: ReportFlags) => {
    const q = new URLSearchParams({ group_by: f.groupBy });
    for (const k of ['from', 'to', 'tenant', 'team', 'agent'] as const) if (f[k]) q.set(k, f[k]!);
    for (const t of f.tag ?? []) {
      const [k, v] = t.split('=');
      if (k && v) q.set(`tag.${k}`, v);
    }
    const r = await adminFetch<{ group_by: string[]; groups: Record<string, unknown>[]; totals: Record<string, unknown> }>(adminTarget(f), `/api/cost/report?${q}`);
    const cols = [...r.group_by, 'requests', 'cost_usd', 'cache_hits', 'saved_by_cache_usd', 'routed', 'saved_by_routing_usd', 'success_rate', 'cost_per_success_usd'];
    output(!!f.json, r, [...r.groups, { ...Object.fromEntries(r.group_by.map((d, i) => [d, i === 0 ? 'TOTAL' : ''])), ...r.totals }], cols);
  });

  withConnection(
    cost
      .command('advise')
      .description('per agent: the cheapest model or routing policy within a success margin, its projected saving on real usage, and the eval evidence')
      .option('--agent <agent>', 'one agent (default: every agent)')
      .option('--margin <pp>', 'allowed eval success drop: 2pp, 2% or 0.02', '2pp')
      .option('--days <n>', 'usage window to re-price', '30')
      .option('--suite <file>', 'the eval suite file (its case tags let the advisor propose a learned router)')
      .option('--json', 'print JSON'),
  ).action(async (f: AdviseFlags) => {
    const t = adminTarget(f);
    const days = Number(f.days);
    if (!Number.isInteger(days) || days < 1) throw new CliError(`--days expects a positive integer (got '${f.days}')`);
    const r = f.suite
      ? await adminFetch<{ agents: AdviceView[] }>(t, '/api/cost/advice', { method: 'POST', body: { ...(f.agent ? { agent: f.agent } : {}), margin: f.margin, days, suite: await suiteCases(f.suite) } })
      : await adminFetch<{ agents: AdviceView[] }>(t, `/api/cost/advice?${new URLSearchParams({ margin: f.margin, days: String(days), ...(f.agent ? { agent: f.agent } : {}) })}`);
    if (f.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    if (!r.agents.length) process.stdout.write('no agents with usage or declared in the spec\n');
    for (const a of r.agents) printAdvice(a);
  });

  cost
    .command('train-router')
    .description('learn a router policy from eval runs of a suite on several models (per task label and prompt length: the cheapest model within the margin)')
    .requiredOption('--suite <file>', 'the eval suite file (cases tagged task=<label>)')
    .option('--results <dir>', 'folder of JSONL run files', '.daca/evals')
    .option('--store <url>', "read runs from daca's store instead (postgres://… or sqlite)")
    .option('--data-dir <dir>', 'data folder of an embedded store', '.daca')
    .option('--runs <ids>', 'comma-separated run ids (default: every run of the suite)')
    .option('--margin <pp>', 'allowed eval success drop: 2pp, 2% or 0.02', '2pp')
    .option('--min-trials <n>', 'fewest trials per model a bucket needs for its own route', '10')
    .option('--no-cascade', 'never propose verified (cascade) routes')
    .option('--out <file>', 'where to write the policy (default .daca/router/<suite>.json)')
    .option('--json', 'print the policy as JSON')
    .action(async (f: TrainFlags) => {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { dirname } = await import('node:path');
      const { parseMargin } = await import('../cost/advisor/margin.js');
      const { loadEvalRuns } = await import('../cost/advisor/evidence.js');
      const { trainRouter } = await import('../cost/routing/train-router.js');
      const suite = await suiteCases(f.suite);
      let store: { db: unknown; close(): Promise<void> } | null = null;
      if (f.store) {
        const { openStore } = await import('../store/open-store.js');
        store = await openStore({ databaseUrl: f.store, dataDir: f.dataDir });
      }
      try {
        let runs = await loadEvalRuns({ ...(store ? { store: store as never } : { jsonlDirs: [f.results] }), suites: [suite.name] });
        if (f.runs) {
          const ids = new Set(f.runs.split(',').map((s) => s.trim()));
          runs = runs.filter((r) => ids.has(r.meta.id));
        }
        const models = new Set(runs.map((r) => r.meta.agent.model).filter(Boolean));
        if (models.size < 2) throw new CliError(`found runs of suite '${suite.name}' on ${models.size} model(s); run \`daca eval run --suite ${f.suite} --model <m>\` for at least two models first`);
        const minTrials = Number(f.minTrials);
        if (!Number.isInteger(minTrials) || minTrials < 1) throw new CliError(`--min-trials expects a positive integer (got '${f.minTrials}')`);
        const policy = trainRouter({ suite: suite.name, ...(suite.system ? { system: suite.system } : {}), cases: suite.cases, runs, margin: parseMargin(f.margin), cascade: f.cascade, minTrials });
        const out = f.out ?? `.daca/router/${suite.name}.json`;
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, JSON.stringify(policy, null, 2) + '\n');
        if (f.json) process.stdout.write(JSON.stringify(policy, null, 2) + '\n');
        else {
          process.stdout.write(`router policy for suite ${suite.name} from ${runs.length} runs (${[...models].join(', ')}), margin ${f.margin}: ${out}\n`);
          process.stdout.write(table(Object.entries(policy.routes).map(([key, r]) => ({ bucket: key, model: r.model, verify: r.verify, reason: r.reason }))) + '\n');
          process.stdout.write(`use it: agents.<agent>.routing: { policy: router, models: [cheapest…strongest], verifiers: [{ type: consistency }], learned: ${out} }\n`);
        }
      } finally {
        await store?.close();
      }
    });
}
