#!/usr/bin/env node
/**
 * The `daca` command line. One file per command; this file only wires them up.
 */
import { Command } from 'commander';
import { DacaError } from '../errors.js';
import { CliError } from './admin-client.js';
import { registerApprovals } from './approvals.js';
import { registerAudit } from './audit.js';
import { registerSubjects } from './subjects.js';
import { registerAgents } from './agents.js';
import { registerAlerts } from './alerts.js';
import { registerBudgets } from './budgets.js';
import { registerCost } from './cost.js';
import { registerDemo } from './demo.js';
import { registerModels } from './models.js';
import { registerRollout } from './rollout.js';
import { registerKeys } from './keys.js';
import { registerMesh } from './mesh.js';
import { registerSuspend } from './suspend.js';
import { registerUp } from './up.js';
import { registerUsage } from './usage.js';
import { registerUsageExport } from './usage-export.js';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerApply } from './apply.js';
import { registerSpec } from './spec.js';
import { registerEval } from './eval.js';
import { registerDeals } from './deals.js';
import { registerOrch } from './orch.js';

const program = new Command();
program
  .name('daca')
  .description('daca: one control plane for production agent systems (gateway, metering, guardrails, audit, evals, mesh)')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerUp(program);
registerValidate(program);
registerKeys(program);
registerBudgets(program);
registerSuspend(program);
registerUsage(program);
registerUsageExport(program);
registerAgents(program);
registerAlerts(program);
registerApprovals(program);
registerEval(program);
registerAudit(program);
registerSubjects(program);
registerMesh(program);
registerCost(program);
registerDemo(program);
registerModels(program);
registerRollout(program);
registerPlan(program);
registerApply(program);
registerSpec(program);
registerDeals(program);
registerOrch(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  const msg = e instanceof CliError || e instanceof DacaError ? e.message : e instanceof Error ? e.message : String(e);
  process.stderr.write(`daca: ${msg.split('\n')[0]}\n`);
  if (e instanceof DacaError && msg.includes('\n')) process.stderr.write(msg.split('\n').slice(1).join('\n') + '\n');
  process.exit(1);
});
