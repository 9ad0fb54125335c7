/**
 * Runs a suite against an agent: every case × persona × trial, `concurrency` at a time, each trial
 * seeded from the run seed (so a run — and the pairing of two runs — is reproducible), results
 * appended to a sink as they finish (so a re-run with the same run id resumes), with progress.
 */
import { InvalidRequestError } from '../errors.js';
import type { AgentUnderTest } from './agents/types.js';
import type { Grader } from './graders/types.js';
import { compilePersona, type Persona } from './personas.js';
import type { ProgressReporter } from './progress.js';
import { silentProgress } from './progress.js';
import { hash32 } from './random.js';
import { trialKey, type RunMeta, type RunResults, type TrialResult } from './results.js';
import type { SimulatedUser } from './simulated-user.js';
import type { ResultSink } from './sinks/types.js';
import type { CaseSpec } from './suite-schema.js';
import type { Suite } from './suite.js';
import { runTrial } from './trial.js';

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  suite: Suite;
  agent: AgentUnderTest;
  /** Graders by case id (see `compileGraders`). */
  graders: ReadonlyMap<string, readonly Grader[]>;
  sink: ResultSink;
  /** Default: `<suite>-<model or kind>-s<seed>`. Re-using an id resumes that run. */
  runId?: string;
  seed?: number;
  concurrency?: number;
  /** Overrides the suite's trials per case and persona. */
  trials?: number;
  /** Required when a case may take more than one turn. */
  simUser?: SimulatedUser;
  progress?: ProgressReporter;
  now?: () => number;
}

/** A finished run and how many of its trials were already done before this call. */
export interface SuiteRun extends RunResults {
  skipped: number;
}

/** The per-trial seed: the same for every agent, so two runs of one suite pair up trial by trial. */
export function trialSeed(runSeed: number, caseId: string, persona: string, trial: number): number {
  return hash32(trialKey(caseId, persona, trial), runSeed) & 0x7fffffff;
}

/** The default run id of a suite, agent and seed. */
export function defaultRunId(suite: Suite, agent: AgentUnderTest, seed: number): string {
  const who = (agent.model ?? agent.kind).replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${suite.spec.name}-${who}-s${seed}`;
}

/**
 * Runs `suite` against `agent`.
 *
 * @throws {InvalidRequestError} when a case needs a simulated user and none is given.
 * @example
 * ```ts
 * const run = await runSuite({ suite, agent, graders, sink: new MemoryRunStore(), seed: 7, concurrency: 16 });
 * console.log(computeMetrics(run.trials).goalRate);
 * ```
 */
export async function runSuite(opts: RunSuiteOptions): Promise<SuiteRun> {
  const { suite, agent, sink } = opts;
  const spec = suite.spec;
  const seed = opts.seed ?? 1;
  const k = opts.trials ?? spec.trials;
  const now = opts.now ?? Date.now;
  const progress = opts.progress ?? silentProgress;
  const personas: Persona[] = spec.personas.map(compilePersona);
  const multiTurn = spec.cases.some((c) => (c.turns ?? spec.turns) > 1);
  if (multiTurn && !opts.simUser) throw new InvalidRequestError(`suite '${spec.name}' has multi-turn cases: a simulated user (model) is needed`);

  const meta: RunMeta = {
    id: opts.runId ?? defaultRunId(suite, agent, seed),
    suite: spec.name,
    suiteHash: suite.hash,
    source: suite.source,
    agent: { kind: agent.kind, model: agent.model ?? null, version: agent.version },
    seed,
    trials: k,
    personas: personas.map((p) => p.id),
    cases: spec.cases.length,
    startedAt: now(),
    finishedAt: null,
  };
  const done = await sink.open(meta);
  const results: TrialResult[] = [...done];
  const finished = new Set(done.map((r) => r.key));

  const todo: { c: CaseSpec; p: Persona; t: number }[] = [];
  for (const c of spec.cases) for (const p of personas) for (let t = 0; t < k; t++) if (!finished.has(trialKey(c.id, p.id, t))) todo.push({ c, p, t });

  progress.start(todo.length, done.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const { c, p, t } = todo[next++]!;
      const r = await runTrial({
        testCase: c,
        persona: p,
        trial: t,
        seed: trialSeed(seed, c.id, p.id, t),
        maxTurns: c.turns ?? spec.turns,
        agent,
        graders: opts.graders.get(c.id) ?? [],
        ...(opts.simUser ? { simUser: opts.simUser } : {}),
        now,
      });
      await sink.append(r);
      results.push(r);
      progress.tick(r.passed);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 8, todo.length || 1));
  await Promise.all(Array.from({ length: n }, worker));
  progress.stop();
  meta.finishedAt = now();
  await sink.finish(meta);
  return { meta, trials: results, skipped: done.length };
}
