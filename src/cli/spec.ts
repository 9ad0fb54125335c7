/**
 * `daca spec history` and `daca spec rollback <version>`: the kept spec versions.
 */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { applySpecText } from '../ops/apply-spec.js';
import { listSpecVersions, readSpecVersion } from '../ops/spec-versions.js';
import { formatPlan } from '../ops/spec-diff.js';

/** Registers `daca spec`. */
export function registerSpec(program: Command): void {
  const spec = program.command('spec').description('applied spec versions: history and rollback');
  spec
    .command('history')
    .description('list applied spec versions, oldest first')
    .option('--data-dir <dir>', 'where applied spec versions are kept', '.daca')
    .option('--json', 'print as JSON')
    .action(async (flags: { dataDir: string; json?: boolean }) => {
      const vs = await listSpecVersions(flags.dataDir);
      if (flags.json) return void console.log(JSON.stringify(vs, null, 2));
      if (!vs.length) return void console.log('no spec applied yet (daca apply)');
      for (const v of vs) console.log(`${String(v.version).padStart(4)}  ${new Date(v.appliedAt).toISOString()}  ${v.hash.slice(0, 12)}  ${v.source}  ${v.summary}${v.rollbackOf ? `  (rollback to ${v.rollbackOf})` : ''}`);
    });
  spec
    .command('rollback <version>')
    .description('apply an earlier version again (kept as a new version); --write also restores the spec file')
    .option('--data-dir <dir>', 'where applied spec versions are kept', '.daca')
    .option('--write <file>', 'also write the restored spec to this file')
    .action(async (version: string, flags: { dataDir: string; write?: string }) => {
      const n = Number(version);
      const text = await readSpecVersion(flags.dataDir, n);
      const r = await applySpecText(text, { dataDir: flags.dataDir, source: `version ${n}`, rollbackOf: n });
      if (flags.write) await writeFile(flags.write, text);
      console.log(formatPlan(r.plan));
      console.log(`\nRolled back to version ${n} (now version ${r.version?.version ?? '?'}).`);
    });
}
