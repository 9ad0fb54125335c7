/**
 * `daca plan [file]`: what applying a spec would change, by section and id; exit code 2 when
 * something would change, 0 when nothing would (like terraform's -detailed-exitcode).
 */
import type { Command } from 'commander';
import { parseSpecText, specText } from '../spec/loader.js';
import { readFile } from 'node:fs/promises';
import { fileBase, lastAppliedBase } from '../ops/plan-source.js';
import { formatPlan, planSpecChange, type SpecPlan } from '../ops/spec-diff.js';
import { adminFetch, adminTarget } from './admin-client.js';
import { withConnection } from './connection.js';

/** Registers `daca plan`. */
export function registerPlan(program: Command): void {
  withConnection(program
    .command('plan [file]'))
    .description('show what applying a spec (default ./daca.yaml) would change: + add, ~ change (old → new), - remove; exit 2 when there are changes')
    .option('--against <file>', 'compare with this spec file instead of the last applied version')
    .option('--live', 'compare with the spec in force on the running node (--url, --admin-key)')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string | undefined, flags: { against?: string; dataDir?: string; json?: boolean; live?: boolean; url?: string; adminKey?: string }) => {
      const path = file ?? 'daca.yaml';
      const text = await readFile(path, 'utf8');
      const next = parseSpecText(text, path, process.env);
      const base = flags.live
        ? { spec: null, label: `running node (${flags.url ?? process.env.DACA_URL ?? 'local'})` }
        : flags.against ? await fileBase(flags.against) : await lastAppliedBase(flags.dataDir ?? '.daca');
      const plan: SpecPlan = flags.live
        ? await adminFetch<SpecPlan>(adminTarget(flags), '/api/spec-ops/plan', { method: 'POST', body: { yaml: specText(next, text), source: path } })
        : planSpecChange(base.spec, next.spec);
      if (flags.json) console.log(JSON.stringify({ base: base.label, next: path, hash: next.hash, ...plan }, null, 2));
      else console.log(`daca plan: ${base.label} → ${path} (${next.hash.slice(0, 12)})\n\n${formatPlan(plan)}`);
      process.exitCode = plan.changes.length ? 2 : 0;
    });
}
