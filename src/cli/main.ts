#!/usr/bin/env node
/**
 * The `daca` command line. One file per command; this file only wires them up.
 */
import { Command } from 'commander';
import { DacaError } from '../errors.js';
import { CliError } from './admin-client.js';

/** A command module's registration function. */
type Register = (program: Command) => void;

/**
 * Every command module, in help order, with the top-level command names it registers. Modules
 * are imported on demand: `daca eval run` loads the eval module only, not the server, the market
 * and the ledger (which alone took seconds to import), so each command starts fast.
 */
const MODULES: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['up'], load: async () => (await import('./up.js')).registerUp },
  { names: ['validate'], load: async () => (await import('./validate.js')).registerValidate },
  { names: ['keys'], load: async () => (await import('./keys.js')).registerKeys },
  { names: ['budgets'], load: async () => (await import('./budgets.js')).registerBudgets },
  { names: ['suspend', 'resume', 'suspensions'], load: async () => (await import('./suspend.js')).registerSuspend },
  { names: ['usage'], load: async () => (await import('./usage.js')).registerUsage },
  { names: ['usage'], load: async () => (await import('./usage-export.js')).registerUsageExport },
  { names: ['agents'], load: async () => (await import('./agents.js')).registerAgents },
  { names: ['alerts'], load: async () => (await import('./alerts.js')).registerAlerts },
  { names: ['approvals'], load: async () => (await import('./approvals.js')).registerApprovals },
  { names: ['eval'], load: async () => (await import('./eval.js')).registerEval },
  { names: ['audit'], load: async () => (await import('./audit.js')).registerAudit },
  { names: ['subjects'], load: async () => (await import('./subjects.js')).registerSubjects },
  { names: ['mesh'], load: async () => (await import('./mesh.js')).registerMesh },
  { names: ['cost'], load: async () => (await import('./cost.js')).registerCost },
  { names: ['demo'], load: async () => (await import('./demo.js')).registerDemo },
  { names: ['models'], load: async () => (await import('./models.js')).registerModels },
  { names: ['rollout'], load: async () => (await import('./rollout.js')).registerRollout },
  { names: ['plan'], load: async () => (await import('./plan.js')).registerPlan },
  { names: ['apply'], load: async () => (await import('./apply.js')).registerApply },
  { names: ['spec'], load: async () => (await import('./spec.js')).registerSpec },
  { names: ['deals'], load: async () => (await import('./deals.js')).registerDeals },
  { names: ['orch'], load: async () => (await import('./orch.js')).registerOrch },
  { names: ['goals'], load: async () => (await import('./goals.js')).registerGoals },
];

const program = new Command();
program
  .name('daca')
  .description('daca: one control plane for production agent systems (gateway, metering, guardrails, audit, evals, mesh)')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

// `usage export` takes options of its own after `export`; commander needs positional options for
// that, set here so every command parses the same whichever modules are loaded.
program.enablePositionalOptions();

async function main(): Promise<void> {
  const first = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const named = MODULES.filter((m) => first !== undefined && m.names.includes(first));
  // An unknown command, or none (`daca --help`): load them all, for the full help and the error.
  for (const m of named.length ? named : MODULES) (await m.load())(program);
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  const msg = e instanceof CliError || e instanceof DacaError ? e.message : e instanceof Error ? e.message : String(e);
  process.stderr.write(`daca: ${msg.split('\n')[0]}\n`);
  if (e instanceof DacaError && msg.includes('\n')) process.stderr.write(msg.split('\n').slice(1).join('\n') + '\n');
  process.exit(1);
});
