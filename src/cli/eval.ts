/**
 * `daca eval run | compare | gate | report`: evals of agents and models. The command modules are
 * imported only when a subcommand runs, so `daca --help` and other commands stay fast.
 */
import type { Command } from 'commander';

function collectExit(code: number): void {
  process.exitCode = code;
}

function withRunFlags(cmd: Command): Command {
  return cmd
    .option('--model <model>', "model or alias of the suite's prompt-agent")
    .option('--agent-url <url>', 'test an HTTP agent instead (POST {input, history, case} → {output, tool_calls?})')
    .option('--agent-command <cmd>', 'test a shell command instead (stdin JSON → stdout JSON)')
    .option('--base-url <url>', "daca's OpenAI-compatible API (DACA_BASE_URL; default $DACA_URL/v1 or http://127.0.0.1:8700/v1)")
    .option('--api-key <key>', 'daca virtual key (DACA_API_KEY; default .daca/dev-key)')
    .option('--sim-model <model>', 'model of the simulated user (multi-turn cases)')
    .option('--judge-model <model>', 'default model of judge graders')
    .option('--seed <n>', 'run seed (trials pair up across runs of the same seed)')
    .option('--concurrency <n>', 'trials in flight', '8')
    .option('--trials <k>', 'trials per case and persona (overrides the suite)')
    .option('--results <dir>', 'folder of JSONL run files', '.daca/evals')
    .option('--store <url>', "store runs in daca's database instead (sqlite:<path> or postgres://…)")
    .option('--data-dir <dir>', 'daca data folder (dev key, default store)', '.daca')
    .option('--junit <file>', 'also write JUnit XML')
    .option('--html <file>', 'also write an HTML report with charts')
    .option('--json', 'print JSON')
    .option('--no-progress', 'no progress line');
}

/** Registers `daca eval` and its subcommands. */
export function registerEval(program: Command): void {
  const evalCmd = program.command('eval').description('run eval suites against agents and models, compare runs, gate releases');

  withRunFlags(
    evalCmd
      .command('run')
      .description('run a suite (cases × personas × trials) and report completion, goal, hallucination, cost, latency, pass@k')
      .requiredOption('-s, --suite <file>', 'suite YAML')
      .option('--run-id <id>', 'run id; re-using one resumes that run'),
  ).action(async (f) => {
    const { runCommand } = await import('../evals/cli/run-command.js');
    collectExit(await runCommand(f));
  });

  evalCmd
    .command('compare')
    .description('compare two runs trial by trial: McNemar exact test and paired bootstrap intervals (B − A)')
    .argument('<a>', 'baseline run id or .jsonl file')
    .argument('<b>', 'candidate run id or .jsonl file')
    .option('--results <dir>', 'folder of JSONL run files', '.daca/evals')
    .option('--store <url>', "read runs from daca's database (sqlite:<path> or postgres://…)")
    .option('--data-dir <dir>', 'daca data folder', '.daca')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--replicates <n>', 'bootstrap replicates', '2000')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, f) => {
      const { compareCommand } = await import('../evals/cli/compare-command.js');
      collectExit(await compareCommand(a, b, f));
    });

  withRunFlags(
    evalCmd
      .command('gate')
      .description('fail (exit 1) when the candidate is significantly worse than the baseline or below a floor')
      .requiredOption('-s, --suite <file>', 'suite YAML')
      .requiredOption('--baseline <run|alias>', 'a stored run id/file, or a model alias to run')
      .requiredOption('--candidate <model|alias>', 'a model or alias to run (or a stored run id)')
      .option('--alpha <p>', 'significance level (suite gate.alpha; default 0.05)')
      .option('--min-effect <x>', 'smallest pass-rate drop that fails, absolute (0.05 or 5%)')
      .option('--min-pass-rate <x>', 'absolute floor of the candidate pass rate')
      .option('--max-hallucination-rate <x>', 'ceiling of the candidate hallucination rate')
      .option('--max-cost-per-task <usd>', 'ceiling of the candidate cost per task, USD')
      .option('--max-p95-latency-ms <ms>', 'ceiling of the candidate p95 trial latency')
      .option('--max-cost-increase <x>', 'fail when cost per task rose by more than this share with confidence (0.2 or 20%)')
      .option('--max-latency-increase <x>', 'fail when mean latency rose by more than this share with confidence'),
  ).action(async (f) => {
    const { gateCommand } = await import('../evals/cli/gate-command.js');
    collectExit(await gateCommand(f));
  });

  evalCmd
    .command('report')
    .description('render a stored run as a table, JSON, JUnit XML or HTML')
    .argument('<run>', 'run id or .jsonl file')
    .option('--results <dir>', 'folder of JSONL run files', '.daca/evals')
    .option('--store <url>', "read runs from daca's database")
    .option('--data-dir <dir>', 'daca data folder', '.daca')
    .option('--junit <file>', 'write JUnit XML')
    .option('--html <file>', 'write an HTML report with charts')
    .option('--json', 'print JSON')
    .action(async (id: string, f) => {
      const { reportCommand } = await import('../evals/cli/report-command.js');
      collectExit(await reportCommand(id, f));
    });
}
