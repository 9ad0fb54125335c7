/**
 * `daca apply [file]`: validates, plans and preflights a spec, then keeps it as the next version
 * (all or nothing; a failure leaves the previous version in force).
 */
import type { Command } from 'commander';
import { formatPlan, type SpecPlan } from '../ops/spec-diff.js';
import type { SpecVersion } from '../ops/spec-versions.js';
import { applySpecFile, readSpecSource } from '../ops/apply-spec.js';
import { adminFetch, adminTarget } from './admin-client.js';
import { withConnection } from './connection.js';

/** Registers `daca apply`. */
export function registerApply(program: Command): void {
  withConnection(program
    .command('apply [file]'))
    .description('apply a spec (default ./daca.yaml): validate, plan, preflight providers, keep it as the next version; all or nothing')
    .option('--live', 'apply to the running node without a restart (--url, --admin-key); all or nothing, audited')
    .option('--json', 'print the result as JSON')
    .action(async (file: string | undefined, flags: { dataDir?: string; json?: boolean; live?: boolean; url?: string; adminKey?: string }) => {
      const path = file ?? 'daca.yaml';
      const r: { plan: SpecPlan; version: SpecVersion | null } = flags.live
        ? await adminFetch<SpecPlan & { version: SpecVersion | null }>(adminTarget(flags), '/api/spec-ops/apply', { method: 'POST', body: { yaml: await readSpecSource(path), source: path } }).then((x) => ({ plan: { changes: x.changes, counts: x.counts }, version: x.version }))
        : await applySpecFile(path, { dataDir: flags.dataDir ?? '.daca' });
      if (flags.json) return void console.log(JSON.stringify(r, null, 2));
      console.log(formatPlan(r.plan));
      console.log(r.version ? `\nApplied: version ${r.version.version} (${r.version.hash.slice(0, 12)}).` : '\nNothing to apply.');
    });
}
