/**
 * LLM-as-judge through a real daca: deterministic verdicts from the sim, metered calls, an in-run
 * cache for identical judgments, and verdict parsing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca } from '../../../test/support/in-process-daca.js';
import type { RunningDaca } from '../../server/serve.js';
import { ChatClient } from '../chat-client.js';
import { judgeGrader, parseVerdict } from './judge.js';
import type { GradeContext } from './types.js';
import { SIM_KEY, SIM_SPEC } from '../testing/sim-fixtures.js';

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(SIM_SPEC);
});
afterAll(async () => {
  await daca?.close();
});

const ctx = (output: string): GradeContext => ({ caseId: 'a', persona: 'n', input: 'Capital of France?', output, expected: 'Paris', toolCalls: [], context: [], transcript: [], trial: 0 });

describe('judge grader', () => {
  it('asks the judge model through daca, deterministically, metered, and once per identical call', async () => {
    const client = new ChatClient({ baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY });
    const cache = new Map();
    const judge = judgeGrader({ client, model: 'strong', rubric: 'Names the right capital.', threshold: 0.5, cache });
    const first = await judge.grade(ctx('It is Paris.'));
    expect(typeof first.pass).toBe('boolean');
    expect(first.score).toBeGreaterThanOrEqual(0);
    expect(first.costMicros).toBeGreaterThan(0);
    const again = await judge.grade(ctx('It is Paris.'));
    expect(again).toEqual({ ...first, costMicros: 0 });
    expect(cache.size).toBe(1);
    // a fresh cache gives the same verdict (the sim is deterministic)
    const other = judgeGrader({ client, model: 'strong', rubric: 'Names the right capital.', threshold: 0.5, cache: new Map() });
    const { costMicros: _c, ...v1 } = first;
    const { costMicros: _d, ...v2 } = await other.grade(ctx('It is Paris.'));
    expect(v2).toEqual(v1);
    await judge.grade(ctx('It is Rome.'));
    expect(cache.size).toBe(2);
    // daca metered the three judge calls that were made (not the cached one)
    await daca.services.recorder.flush();
    const usage = await daca.services.store.usage.query({ groupBy: ['model'], model: 'strong' });
    expect(usage.totals.requests).toBe(3);
    expect(usage.totals.costMicros).toBeGreaterThan(0);
    client.close();
  });

  it('fails the grade (not the run) when the judge call fails', async () => {
    const client = new ChatClient({ baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY });
    const judge = judgeGrader({ client, model: 'no-such-model', rubric: 'x', threshold: 0.5, cache: new Map() });
    const r = await judge.grade(ctx('Paris'));
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/judge call failed: model API answered 404/);
    client.close();
  });
});

describe('parseVerdict', () => {
  it('reads JSON verdicts, scores and plain text', () => {
    expect(parseVerdict('{"verdict":"fail","score":0.2,"reason":"wrong city"}', 0.5)).toEqual({ pass: false, score: 0.2, reason: 'wrong city' });
    expect(parseVerdict('{"score":0.7}', 0.5)).toEqual({ pass: true, score: 0.7 });
    expect(parseVerdict('Score: 8/10, fine', 0.5)).toMatchObject({ pass: true, score: 0.8 });
    expect(parseVerdict('FAIL - off topic', 0.5)).toMatchObject({ pass: false, score: 0 });
    expect(parseVerdict('no idea', 0.5)).toMatchObject({ pass: false });
  });
});
