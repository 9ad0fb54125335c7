/**
 * Runs what a gate needs and decides: the baseline is a stored run (by id or file) or a model
 * alias to run now; the candidate is a stored run or a model to run now. Runs made here get
 * stable ids (`gate-<suite>-<model>-s<seed>-<suite hash>`), so a re-run reuses (resumes) them.
 */
import { InvalidRequestError } from '../errors.js';
import { compareRuns, type Comparison } from './compare.js';
import { evaluate, type EvaluateOptions } from './evaluate.js';
import { decideGate, type GateDecision, type GatePolicy } from './gate.js';
import type { RunResults } from './results.js';
import type { ResultSink, RunSource } from './sinks/types.js';

/** Options of {@link gateSuite}. */
export interface GateSuiteOptions extends Omit<EvaluateOptions, 'sink' | 'model' | 'runId'> {
  store: ResultSink & RunSource;
  /** A stored run id/file, or a model alias to run. */
  baseline: string;
  /** A stored run id/file, or a model alias to run. */
  candidate: string;
  /** Overrides of the suite's gate settings. */
  policy?: Partial<GatePolicy>;
  /** Bootstrap seed and replicates. */
  bootstrap?: { seed?: number; replicates?: number };
  /** Called before each run the gate makes (`reused`: the run id was already complete in the store). */
  onRun?: (role: 'baseline' | 'candidate', model: string, runId: string, reused: boolean) => void;
}

/** The gate's inputs and verdict. */
export interface GateOutcome {
  baseline: RunResults;
  candidate: RunResults;
  comparison: Comparison;
  decision: GateDecision;
  policy: GatePolicy;
}

function gateRunId(suite: string, hash: string, model: string, seed: number, trials: number): string {
  return `gate-${suite}-${model.replace(/[^A-Za-z0-9._-]+/g, '_')}-s${seed}-k${trials}-${hash.slice(0, 8)}`;
}

/**
 * Gets (or makes) the baseline and candidate runs, compares them and applies the gate policy.
 *
 * @example
 * ```ts
 * const g = await gateSuite({ suite, store: new JsonlRunStore('.daca/evals'), baseline: 'stable', candidate: 'canary', baseUrl, apiKey });
 * if (!g.decision.passed) process.exit(1);
 * ```
 */
export async function gateSuite(opts: GateSuiteOptions): Promise<GateOutcome> {
  const { suite, store } = opts;
  const stored = await store.load(opts.baseline);
  let seed = opts.seed ?? stored?.meta.seed ?? 1;
  const trials = opts.trials ?? stored?.meta.trials ?? suite.spec.trials;
  if (stored && opts.seed === undefined) seed = stored.meta.seed;

  const agentKind = (opts.agent ?? suite.spec.agent)?.kind;
  const get = async (role: 'baseline' | 'candidate', ref: string, known: RunResults | undefined): Promise<RunResults> => {
    if (known) return known;
    if (agentKind !== 'prompt')
      throw new InvalidRequestError(`--${role} '${ref}' is not a stored run; only prompt-agents can be run with a model, so for ${agentKind ?? 'this'} agents pass run ids (from \`daca eval run --run-id\`)`);
    const runId = gateRunId(suite.spec.name, suite.hash, ref, seed, trials);
    const prior = await store.load(runId);
    opts.onRun?.(role, ref, runId, prior?.meta.finishedAt != null && prior.trials.length >= suite.spec.cases.length * suite.spec.personas.length * trials);
    const { store: _s, baseline: _b, candidate: _c, policy: _p, bootstrap: _bs, onRun: _o, ...rest } = opts;
    return evaluate({ ...rest, sink: store, model: ref, runId, seed, trials });
  };
  const baseline = await get('baseline', opts.baseline, stored);
  const candidate = await get('candidate', opts.candidate, await store.load(opts.candidate));
  const policy: GatePolicy = { ...suite.spec.gate, ...stripUndefined(opts.policy ?? {}) };
  const comparison = compareRuns(baseline, candidate, { seed: opts.bootstrap?.seed ?? seed, ...(opts.bootstrap?.replicates ? { replicates: opts.bootstrap.replicates } : {}) });
  return { baseline, candidate, comparison, decision: decideGate(comparison, policy), policy };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
