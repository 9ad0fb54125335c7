/**
 * The runner through a real daca (sim provider): personas × trials, multi-turn with a simulated
 * user, resumable runs (JSONL and memory), reproducibility from the seed, and metrics.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca } from '../../test/support/in-process-daca.js';
import { ConflictError } from '../errors.js';
import type { RunningDaca } from '../server/serve.js';
import { evaluate } from './evaluate.js';
import { computeMetrics, metricsBy } from './metrics.js';
import type { RunMeta, TrialResult } from './results.js';
import { JsonlRunStore } from './sinks/jsonl-sink.js';
import { MemoryRunStore } from './sinks/memory-sink.js';
import type { ResultSink } from './sinks/types.js';
import { parseSuiteText } from './suite-loader.js';
import { capitalsSuiteYaml, SIM_KEY, SIM_SPEC } from './testing/sim-fixtures.js';

let daca: RunningDaca;
let api: { baseUrl: string; apiKey: string };
beforeAll(async () => {
  daca = await startTestDaca(SIM_SPEC);
  api = { baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY };
});
afterAll(async () => {
  await daca?.close();
});

describe('runSuite through daca', () => {
  it('runs cases × personas × trials and reproduces the same outcomes from the same seed', async () => {
    const suite = parseSuiteText(capitalsSuiteYaml({ n: 10, personas: ['neutral', 'impatient', 'non_native'], trials: 3 }), 'c.yaml');
    const a = await evaluate({ suite, sink: new MemoryRunStore(), ...api, model: 'weak', seed: 5, concurrency: 8 });
    const b = await evaluate({ suite, sink: new MemoryRunStore(), ...api, model: 'weak', seed: 5, concurrency: 3 });
    expect(a.trials).toHaveLength(90);
    const outcome = (r: TrialResult[]): string => r.map((t) => `${t.key}=${t.passed}`).sort().join(',');
    expect(outcome(b.trials)).toBe(outcome(a.trials));
    const m = computeMetrics(a.trials, 3);
    expect(m.completionRate).toBe(1);
    // weak (0.6) solves easy cases (0.2) and mostly fails hard ones (0.8)
    const byTag = metricsBy(a.trials, (t) => (Number(t.caseId.slice(1)) % 2 ? 'hard' : 'easy'));
    expect(byTag.get('easy')!.goalRate).toBeGreaterThan(0.9);
    expect(byTag.get('hard')!.goalRate).toBeLessThan(0.45);
    expect(m.passAtK).toBeGreaterThanOrEqual(m.goalRate);
    expect(m.passHatK).toBeLessThanOrEqual(m.goalRate);
    expect(m.meanCostMicros).toBeGreaterThan(0);
    expect(m.meanTokens).toBeGreaterThan(10);
    // a failed answer names a wrong city that the context does not support
    const failed = a.trials.find((t) => !t.passed)!;
    expect(failed.hallucinated).toBe(true);
    expect(a.meta).toMatchObject({ suite: 'capitals', seed: 5, trials: 3, personas: ['neutral', 'impatient', 'non_native'], agent: { kind: 'prompt', model: 'weak' } });
  });

  it('plays multi-turn cases with a simulated user until the goal is reached', async () => {
    const suite = parseSuiteText(capitalsSuiteYaml({ n: 12, personas: ['novice'], trials: 2, turns: 4 }), 'c.yaml');
    const single = parseSuiteText(capitalsSuiteYaml({ n: 12, personas: ['novice'], trials: 2, turns: 1 }), 'c.yaml');
    const multi = await evaluate({ suite, sink: new MemoryRunStore(), ...api, model: 'weak', seed: 2, concurrency: 8 });
    const one = await evaluate({ suite: single, sink: new MemoryRunStore(), ...api, model: 'weak', seed: 2, concurrency: 8 });
    expect(Math.max(...multi.trials.map((t) => t.turns))).toBeGreaterThan(1);
    for (const t of multi.trials) {
      if (t.passed) expect(t.timeToSuccessMs).not.toBeNull();
      else expect(t.turns).toBe(4);
      expect(t.evalCostMicros > 0).toBe(t.turns > 1); // the simulated user's calls are metered, apart from the task cost
    }
    // more turns give the weak model more chances on hard cases
    expect(computeMetrics(multi.trials).goalRate).toBeGreaterThan(computeMetrics(one.trials).goalRate);
    expect(computeMetrics(multi.trials).meanTurns).toBeGreaterThan(1);
  });

  it('resumes an interrupted run: finished trials are skipped, the file holds each trial once', async () => {
    const suite = parseSuiteText(capitalsSuiteYaml({ n: 8, personas: ['neutral', 'expert'], trials: 2 }), 'c.yaml');
    const dir = mkdtempSync(join(tmpdir(), 'runs-'));
    const store = new JsonlRunStore(dir);
    // A sink that dies after 10 trials, like a killed CI job.
    let appended = 0;
    const dying: ResultSink = {
      open: (m: RunMeta) => store.open(m),
      append: (r: TrialResult) => {
        if (appended++ === 10) throw new Error('killed');
        store.append(r);
      },
      finish: (m: RunMeta) => store.finish(m),
    };
    await expect(evaluate({ suite, sink: dying, ...api, runId: 'r1', seed: 4, concurrency: 1 })).rejects.toThrow('killed');
    const resumed = await evaluate({ suite, sink: new JsonlRunStore(dir), ...api, runId: 'r1', seed: 4, concurrency: 4 });
    expect(resumed.skipped).toBe(10);
    expect(resumed.trials).toHaveLength(32);
    const lines = readFileSync(join(dir, 'r1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; key?: string });
    expect(lines[0]!.type).toBe('run');
    expect(lines.filter((l) => l.type === 'trial')).toHaveLength(32);
    expect(new Set(lines.filter((l) => l.type === 'trial').map((l) => l.key)).size).toBe(32);
    expect(lines.at(-1)!.type).toBe('end');
    // same results as an uninterrupted run with the same seed
    const fresh = await evaluate({ suite, sink: new MemoryRunStore(), ...api, seed: 4 });
    const key = (r: TrialResult[]): string => r.map((t) => `${t.key}=${t.passed}`).sort().join(',');
    expect(key(resumed.trials)).toBe(key(fresh.trials));
    // a re-run of a finished run does nothing
    const again = await evaluate({ suite, sink: new JsonlRunStore(dir), ...api, runId: 'r1', seed: 4 });
    expect(again.skipped).toBe(32);
    // the same id with another model is refused
    await expect(evaluate({ suite, sink: new JsonlRunStore(dir), ...api, runId: 'r1', seed: 4, model: 'weak' })).rejects.toThrow(ConflictError);
  });
});
