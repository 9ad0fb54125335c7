/**
 * `daca eval run`: runs a suite and prints a table (or `--json`), with optional JUnit and HTML files.
 */
import { InvalidRequestError } from '../../errors.js';
import { evaluate } from '../evaluate.js';
import { silentProgress, terminalProgress } from '../progress.js';
import { renderRunTable } from '../reports/table.js';
import { summarizeRun } from '../reports/summary.js';
import { loadSuiteFile } from '../suite-loader.js';
import type { AgentSpec } from '../suite-schema.js';
import { intFlag, modelApi, openRunStore, runJson, writeReports, type EvalFlags } from './options.js';

/** The agent override from `--agent-url` / `--agent-command`, if any. */
export function agentOverride(f: Pick<EvalFlags, 'agentUrl' | 'agentCommand'>): AgentSpec | undefined {
  if (f.agentUrl && f.agentCommand) throw new InvalidRequestError('pass either --agent-url or --agent-command, not both');
  if (f.agentUrl) return { kind: 'http', url: f.agentUrl, headers: {}, timeout_ms: 60_000 };
  if (f.agentCommand) return { kind: 'command', command: f.agentCommand, timeout_ms: 60_000 };
  return undefined;
}

/** Runs `daca eval run`; returns the process exit code. */
export async function runCommand(f: EvalFlags & { runId?: string }): Promise<number> {
  const suite = await loadSuiteFile(f.suite);
  const api = modelApi(f);
  const store = await openRunStore(f);
  const agent = agentOverride(f);
  try {
    const run = await evaluate({
      suite,
      sink: store.sink,
      ...api,
      ...(f.model ? { model: f.model } : {}),
      ...(agent ? { agent } : {}),
      ...(f.simModel ? { simModel: f.simModel } : {}),
      ...(f.judgeModel ? { judgeModel: f.judgeModel } : {}),
      seed: intFlag('seed', f.seed, 1),
      concurrency: Math.max(1, intFlag('concurrency', f.concurrency, 8)),
      ...(f.trials ? { trials: Math.max(1, intFlag('trials', f.trials, 1)) } : {}),
      ...(f.runId ? { runId: f.runId } : {}),
      progress: f.progress === false || f.json ? silentProgress : terminalProgress(),
    });
    writeReports(run, f);
    if (f.json) process.stdout.write(JSON.stringify(runJson(run)) + '\n');
    else {
      process.stdout.write(renderRunTable(summarizeRun(run)));
      const errors = run.trials.filter((t) => t.error !== null);
      if (errors.length) process.stderr.write(`daca: ${errors.length} of ${run.trials.length} trials failed with an error, e.g. ${errors[0]!.error}\n`);
      if (run.skipped) process.stderr.write(`(resumed: ${run.skipped} trials were already done)\n`);
    }
    return run.trials.length > 0 && run.trials.every((t) => t.error !== null) ? 1 : 0;
  } finally {
    await store.close();
  }
}
