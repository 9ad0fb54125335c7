/**
 * `daca plan [file]`: what applying a spec would change, by section and id; exit code 2 when
 * something would change, 0 when nothing would (like terraform's -detailed-exitcode).
 */
import type { Command } from 'commander';
import { parseSpecText } from '../spec/loader.js';
import { readFile } from 'node:fs/promises';
import { fileBase, lastAppliedBase } from '../ops/plan-source.js';
import { formatPlan, planSpecChange } from '../ops/spec-diff.js';

/** Registers `daca plan`. */
export function registerPlan(program: Command): void {
  program
    .command('plan [file]')
    .description('show what applying a spec (default ./daca.yaml) would change: + add, ~ change (old → new), - remove; exit 2 when there are changes')
    .option('--against <file>', 'compare with this spec file instead of the last applied version')
    .option('--data-dir <dir>', 'where applied spec versions are kept', '.daca')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string | undefined, flags: { against?: string; dataDir: string; json?: boolean }) => {
      const path = file ?? 'daca.yaml';
      const next = parseSpecText(await readFile(path, 'utf8'), path, process.env);
      const base = flags.against ? await fileBase(flags.against) : await lastAppliedBase(flags.dataDir);
      const plan = planSpecChange(base.spec, next.spec);
      if (flags.json) console.log(JSON.stringify({ base: base.label, next: path, hash: next.hash, ...plan }, null, 2));
      else console.log(`daca plan: ${base.label} → ${path} (${next.hash.slice(0, 12)})\n\n${formatPlan(plan)}`);
      process.exitCode = plan.changes.length ? 2 : 0;
    });
}
