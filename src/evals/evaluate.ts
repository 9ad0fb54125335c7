/**
 * One call that runs a suite end to end: builds the model API client, the agent under test
 * (the suite's, with overrides), graders, the simulated user, and runs every trial into a sink.
 */
import { InvalidRequestError } from '../errors.js';
import { commandAgent } from './agents/command-agent.js';
import { httpAgent } from './agents/http-agent.js';
import { promptAgent } from './agents/prompt-agent.js';
import type { AgentUnderTest } from './agents/types.js';
import { ChatClient } from './chat-client.js';
import { compileGraders } from './graders/compile.js';
import type { JudgeCache } from './graders/judge.js';
import type { ProgressReporter } from './progress.js';
import { runSuite, type SuiteRun } from './runner.js';
import { modelSimulatedUser } from './simulated-user.js';
import type { ResultSink } from './sinks/types.js';
import type { AgentSpec } from './suite-schema.js';
import type { Suite } from './suite.js';

/** What {@link evaluate} needs. */
export interface EvaluateOptions {
  suite: Suite;
  sink: ResultSink;
  /** OpenAI-compatible base URL of daca (with `/v1`); needed by prompt-agents, judges and simulated users. */
  baseUrl?: string;
  apiKey?: string;
  /** Overrides the prompt-agent's model (e.g. the gate's candidate). */
  model?: string;
  /** Replaces the suite's agent. */
  agent?: AgentSpec;
  /** Model of the simulated user (default: suite `simulator.model`, else the agent's model). */
  simModel?: string;
  /** Default judge model (default: suite `judge.model`, else the agent's model). */
  judgeModel?: string;
  seed?: number;
  concurrency?: number;
  trials?: number;
  runId?: string;
  progress?: ProgressReporter;
  /** Extra headers on model calls (e.g. `x-daca-agent`). */
  headers?: Record<string, string>;
  /** Shared judge cache (e.g. across the gate's two runs). */
  judgeCache?: JudgeCache;
  now?: () => number;
}

function buildAgent(spec: AgentSpec, client: ChatClient | undefined, model: string | undefined, cwd: string): AgentUnderTest {
  switch (spec.kind) {
    case 'prompt': {
      if (!client) throw new InvalidRequestError('a prompt-agent needs the model API: pass --base-url (or DACA_URL)');
      return promptAgent({
        client,
        model: model ?? spec.model,
        system: spec.system,
        tools: spec.tools,
        maxToolRounds: spec.max_tool_rounds,
        ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
        ...(spec.max_tokens !== undefined ? { maxTokens: spec.max_tokens } : {}),
        ...(spec.prompt_version !== undefined ? { promptVersion: spec.prompt_version } : {}),
      });
    }
    case 'http':
      return httpAgent({ url: spec.url, headers: spec.headers, timeoutMs: spec.timeout_ms, ...(spec.version ? { version: spec.version } : {}) });
    case 'command':
      return commandAgent({ command: spec.command, cwd, timeoutMs: spec.timeout_ms, ...(spec.version ? { version: spec.version } : {}) });
  }
}

/**
 * Runs a suite and returns the run (resuming it when the sink already holds some trials).
 *
 * @throws {InvalidRequestError} when the suite has no agent, or the agent needs a model API that was not given.
 * @example
 * ```ts
 * const run = await evaluate({ suite, sink: new JsonlRunStore('.daca/evals'), baseUrl: 'http://127.0.0.1:8700/v1', apiKey, model: 'canary', seed: 1 });
 * ```
 */
export async function evaluate(opts: EvaluateOptions): Promise<SuiteRun> {
  const { suite } = opts;
  const spec = opts.agent ?? suite.spec.agent;
  if (!spec) throw new InvalidRequestError(`suite '${suite.spec.name}' declares no agent: add an agent section or pass --agent-url / --agent-command`);
  const client = opts.baseUrl
    ? new ChatClient({ baseUrl: opts.baseUrl, ...(opts.apiKey ? { apiKey: opts.apiKey } : {}), maxSockets: Math.max(8, (opts.concurrency ?? 8) * 2), headers: { 'x-daca-tags': `eval_suite=${suite.spec.name}`, ...opts.headers } })
    : undefined;
  const agentModel = spec.kind === 'prompt' ? opts.model ?? spec.model : opts.model;
  const agent = buildAgent(spec, client, opts.model, suite.baseDir);
  try {
    const judgeModel = opts.judgeModel ?? suite.spec.judge?.model ?? agentModel;
    const graders = await compileGraders(suite, { ...(client ? { client } : {}), ...(judgeModel ? { judgeModel } : {}), cache: opts.judgeCache ?? new Map() });
    const simModel = opts.simModel ?? suite.spec.simulator?.model ?? agentModel;
    const multiTurn = suite.spec.cases.some((c) => (c.turns ?? suite.spec.turns) > 1);
    if (multiTurn && (!client || !simModel)) throw new InvalidRequestError('multi-turn cases need a simulated user: pass --base-url and --sim-model (or set simulator.model)');
    return await runSuite({
      suite,
      agent,
      graders,
      sink: opts.sink,
      ...(multiTurn && client && simModel ? { simUser: modelSimulatedUser(client, simModel) } : {}),
      ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.trials !== undefined ? { trials: opts.trials } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
  } finally {
    agent.close();
    client?.close();
  }
}
