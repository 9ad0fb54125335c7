/**
 * Synthetic runs for report and gate tests: outcomes chosen by a function, everything else fixed.
 */
import { trialKey, type RunResults, type TrialResult } from '../results.js';

/** A run of `cases` × `personas` × `trials` whose pass/fail is `passed(case, persona, trial)`. */
export function syntheticRun(
  id: string,
  opts: { cases: number; personas: string[]; trials: number; passed: (c: number, p: number, t: number) => boolean; cost?: number; latency?: number; model?: string },
): RunResults {
  const trials: TrialResult[] = [];
  for (let c = 0; c < opts.cases; c++)
    opts.personas.forEach((persona, p) => {
      for (let t = 0; t < opts.trials; t++) {
        const ok = opts.passed(c, p, t);
        const caseId = `case-${c}`;
        trials.push({
          key: trialKey(caseId, persona, t),
          caseId,
          persona,
          trial: t,
          seed: c * 100 + p * 10 + t,
          completed: true,
          passed: ok,
          error: null,
          turns: ok ? 1 : 2,
          latencyMs: (opts.latency ?? 100) + ((c * 7 + t * 13) % 50),
          timeToSuccessMs: ok ? 90 : null,
          promptTokens: 40,
          completionTokens: 20,
          costMicros: opts.cost ?? 50,
          evalCostMicros: 0,
          claims: 1,
          unsupportedClaims: ok ? 0 : 1,
          hallucinated: !ok,
          grades: [{ name: 'contains', kind: 'contains', pass: ok, score: ok ? 1 : 0, ...(ok ? {} : { reason: 'output lacks "Paris" <&>' }) }],
          output: ok ? 'The answer is Paris.' : 'The answer is <Rome> & more.',
          finishedAt: 1_700_000_000_000,
        });
      }
    });
  return {
    meta: {
      id,
      suite: 'synthetic',
      suiteHash: 'f'.repeat(64),
      source: 'synthetic.yaml',
      agent: { kind: 'prompt', model: opts.model ?? 'm', version: 'sha256:abc' },
      seed: 1,
      trials: opts.trials,
      personas: opts.personas,
      cases: opts.cases,
      startedAt: 1_700_000_000_000,
      finishedAt: 1_700_000_100_000,
    },
    trials,
  };
}
