import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../evals/results.js';
import { parseLearnedPolicy } from './learned-policy.js';
import { chooseRoute, taskLabelOf, trainRouter } from './train-router.js';

function run(model: string, cost: number, pass: (i: number) => boolean, n = 90): RunResults {
  return {
    meta: { id: `r-${model}`, suite: 's', suiteHash: 'h', source: 'x', agent: { kind: 'prompt', model, version: 'v' }, seed: 1, trials: 1, personas: ['neutral'], cases: n, startedAt: 0, finishedAt: 1 },
    trials: Array.from({ length: n }, (_, i) => ({ key: `c${i}|neutral|0`, caseId: `c${i}`, persona: 'neutral', trial: 0, seed: 1, completed: true, passed: pass(i), error: null, turns: 1, latencyMs: 1, timeToSuccessMs: null, promptTokens: 1, completionTokens: 1, costMicros: cost, evalCostMicros: 0, claims: 0, unsupportedClaims: 0, hallucinated: false, grades: [], output: '', finishedAt: 1 })),
  };
}
// Cases 0–29 easy (faq), 30–59 medium (lookup), 60–89 hard (reasoning).
const cases = Array.from({ length: 90 }, (_, i) => ({ id: `c${i}`, input: `question ${i}`, tags: [`task=${i < 30 ? 'faq' : i < 60 ? 'lookup' : 'reasoning'}`] }));
const small = run('small', 6, (i) => i < 30 || (i < 60 && i % 10 !== 0) || (i >= 60 && i % 10 === 0));
const large = run('large', 100, (i) => i < 60 || i % 10 !== 9);

describe('trainRouter', () => {
  it('per task label: the cheapest model within the margin, or a verified cheap model when that costs less', () => {
    const p = trainRouter({ suite: 's', cases, runs: [small, large], margin: 0.02, cascade: true, now: () => 0 });
    expect(p.routes['task=faq']).toMatchObject({ model: 'small', verify: false });
    expect(p.routes['task=lookup']).toMatchObject({ model: 'small', verify: true }); // 90 %: verified, escalating
    expect(p.routes['task=reasoning']).toMatchObject({ model: 'large', verify: false }); // 10 %: straight to the large model
    expect(p.routes['task=faq']!.evidence.map((e) => [e.model, e.trials, e.passed])).toEqual([['small', 30, 30], ['large', 30, 30]]);
    const noCascade = trainRouter({ suite: 's', cases, runs: [small, large], margin: 0.02, cascade: false });
    expect(noCascade.routes['task=lookup']).toMatchObject({ model: 'large', verify: false });
    expect(parseLearnedPolicy(JSON.stringify(p))).toEqual(p);
    expect(() => parseLearnedPolicy('{"version":2}', 'p.json')).toThrow(/p\.json: version/);
  });

  it('task labels and route choice', () => {
    expect(taskLabelOf(['x', 'task:faq'])).toBe('faq');
    expect(taskLabelOf(['billing'])).toBe('billing');
    expect(taskLabelOf([])).toBe('*');
    const ev = (model: string, success: number, cost: number) => ({ model, trials: 100, passed: success * 100, success, cost_micros_per_trial: cost, runs: [] });
    expect(chooseRoute([ev('a', 0.97, 5), ev('b', 0.98, 100)], 0.02, false, 0.5)?.model).toBe('a');
    expect(chooseRoute([ev('a', 0.9, 5), ev('b', 0.98, 100)], 0.02, false, 0.5)?.model).toBe('b');
  });
});
