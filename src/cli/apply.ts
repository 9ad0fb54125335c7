/**
 * `daca apply [file]`: validates, plans and preflights a spec, then keeps it as the next version
 * (all or nothing; a failure leaves the previous version in force).
 */
import type { Command } from 'commander';
import { applySpecFile } from '../ops/apply-spec.js';
import { formatPlan } from '../ops/spec-diff.js';

/** Registers `daca apply`. */
export function registerApply(program: Command): void {
  program
    .command('apply [file]')
    .description('apply a spec (default ./daca.yaml): validate, plan, preflight providers, keep it as the next version; all or nothing')
    .option('--data-dir <dir>', 'where applied spec versions are kept', '.daca')
    .option('--json', 'print the result as JSON')
    .action(async (file: string | undefined, flags: { dataDir: string; json?: boolean }) => {
      const r = await applySpecFile(file ?? 'daca.yaml', { dataDir: flags.dataDir });
      if (flags.json) return void console.log(JSON.stringify(r, null, 2));
      console.log(formatPlan(r.plan));
      console.log(r.version ? `\nApplied: version ${r.version.version} (${r.version.hash.slice(0, 12)}).` : '\nNothing to apply.');
    });
}
