/**
 * `daca eval gate`: runs baseline and candidate as needed, compares them, and exits 1 (printing
 * why) when the candidate is significantly worse or below a floor.
 */
import { gateSuite } from '../gate-run.js';
import { silentProgress, terminalProgress } from '../progress.js';
import { renderComparisonTable } from '../reports/table.js';
import { loadSuiteFile } from '../suite-loader.js';
import { intFlag, modelApi, numFlag, openRunStore, writeReports, type EvalFlags } from './options.js';
import { agentOverride } from './run-command.js';

/** Flags of `daca eval gate`. */
export interface GateFlags extends EvalFlags {
  baseline: string;
  candidate: string;
  alpha?: string;
  minEffect?: string;
  minPassRate?: string;
  maxHallucinationRate?: string;
  maxCostPerTask?: string;
  maxP95LatencyMs?: string;
  maxCostIncrease?: string;
  maxLatencyIncrease?: string;
}

/** Runs `daca eval gate`; returns the exit code (0 pass, 1 fail). */
export async function gateCommand(f: GateFlags): Promise<number> {
  const suite = await loadSuiteFile(f.suite);
  const store = await openRunStore(f);
  const agent = agentOverride(f);
  try {
    const out = await gateSuite({
      suite,
      store: store.sink,
      baseline: f.baseline,
      candidate: f.candidate,
      ...modelApi(f),
      ...(agent ? { agent } : {}),
      ...(f.simModel ? { simModel: f.simModel } : {}),
      ...(f.judgeModel ? { judgeModel: f.judgeModel } : {}),
      ...(f.seed !== undefined ? { seed: intFlag('seed', f.seed, 1) } : {}),
      ...(f.trials ? { trials: Math.max(1, intFlag('trials', f.trials, 1)) } : {}),
      concurrency: Math.max(1, intFlag('concurrency', f.concurrency, 8)),
      progress: f.progress === false || f.json ? silentProgress : terminalProgress(),
      policy: {
        alpha: numFlag('alpha', f.alpha, 1e-9, 0.999),
        min_effect: numFlag('min-effect', f.minEffect, 0, 1),
        min_pass_rate: numFlag('min-pass-rate', f.minPassRate, 0, 1),
        max_hallucination_rate: numFlag('max-hallucination-rate', f.maxHallucinationRate, 0, 1),
        max_cost_per_task_usd: numFlag('max-cost-per-task', f.maxCostPerTask),
        max_p95_latency_ms: numFlag('max-p95-latency-ms', f.maxP95LatencyMs),
        max_cost_increase: numFlag('max-cost-increase', f.maxCostIncrease),
        max_latency_increase: numFlag('max-latency-increase', f.maxLatencyIncrease),
      },
      onRun: (role, model, runId, reused) => {
        if (!f.json) process.stderr.write(`${role}: ${reused ? 'reusing' : 'running'} suite ${suite.spec.name} with ${model} (run ${runId})\n`);
      },
    });
    writeReports(out.candidate, f);
    const { decision } = out;
    if (f.json) {
      process.stdout.write(JSON.stringify({ passed: decision.passed, reasons: decision.reasons, checks: decision.checks, policy: out.policy, comparison: out.comparison }, null, 2) + '\n');
    } else {
      process.stdout.write(renderComparisonTable(out.comparison));
      for (const c of decision.checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
      process.stdout.write(decision.passed ? `\nGATE PASSED: ${f.candidate} is not significantly worse than ${f.baseline}\n` : `\nGATE FAILED: ${f.candidate} vs ${f.baseline}\n${decision.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    }
    return decision.passed ? 0 : 1;
  } finally {
    await store.close();
  }
}
