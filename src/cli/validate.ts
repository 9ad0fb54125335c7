/**
 * `daca validate [file]`: checks a spec and reports every problem with file:line:column.
 */
import type { Command } from 'commander';
import { validateSpec } from '../spec/validate.js';
import { CliError } from './admin-client.js';

/** Registers `daca validate`. */
export function registerValidate(program: Command): void {
  program
    .command('validate [file]')
    .description('check a daca.yaml (default: ./daca.yaml, else the embedded default) and print what is wrong')
    .option('--json', 'print the result as JSON')
    .action(async (file: string | undefined, flags: { json?: boolean }) => {
      const r = await validateSpec(file);
      if (flags.json) console.log(JSON.stringify(r, null, 2));
      if (!r.ok) {
        if (!flags.json) for (const e of r.errors) console.error(e);
        throw new CliError(`spec is invalid: ${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}`);
      }
      if (!flags.json) {
        console.log(`${r.source}: spec is valid: ${Object.entries(r.summary).map(([k, v]) => `${v} ${k}`).join(', ')}`);
        for (const w of r.warnings) console.log(`warning: ${w}`);
      }
    });
}
