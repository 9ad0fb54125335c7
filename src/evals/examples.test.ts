/**
 * Keeps examples/evals true: the example suite runs against the example spec, every grader kind it
 * uses works, and the gate catches the weaker canary.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { evaluate } from './evaluate.js';
import { gateSuite } from './gate-run.js';
import { computeMetrics } from './metrics.js';
import { MemoryRunStore } from './sinks/memory-sink.js';
import { loadSuiteFile } from './suite-loader.js';

const EX = resolve(import.meta.dirname, '../../examples/evals');
const KEY = 'dk-evals-example-0123456789abcdef';
let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(readFileSync(resolve(EX, 'daca.yaml'), 'utf8'));
});
afterAll(async () => {
  await daca?.close();
});

describe('examples/evals', () => {
  it('support.yaml runs on the stable model with every grader kind working', async () => {
    const suite = await loadSuiteFile(resolve(EX, 'support.yaml'));
    const run = await evaluate({ suite, sink: new MemoryRunStore(), baseUrl: `${daca.url}/v1`, apiKey: KEY, seed: 1, concurrency: 8 });
    expect(run.trials).toHaveLength(6 * 5 * 3);
    expect(run.trials.every((t) => t.error === null)).toBe(true);
    const m = computeMetrics(run.trials);
    expect(m.goalRate).toBeGreaterThan(0.6);
    const kinds = new Set(run.trials.flatMap((t) => t.grades.map((g) => g.kind)));
    expect([...kinds].sort()).toEqual(['contains', 'custom', 'judge', 'tool_calls']);
    const order = run.trials.filter((t) => t.caseId === 'order-status');
    expect(order.every((t) => t.passed)).toBe(true);
    expect(Math.max(...run.trials.map((t) => t.turns))).toBeGreaterThan(1);
  });

  it('the gate fails the canary alias against stable', async () => {
    const suite = await loadSuiteFile(resolve(EX, 'support.yaml'));
    const g = await gateSuite({ suite, store: new MemoryRunStore(), baseline: 'stable', candidate: 'canary', baseUrl: `${daca.url}/v1`, apiKey: KEY, seed: 1, concurrency: 8 });
    expect(g.decision.passed).toBe(false);
    expect(g.comparison.mcnemar.b).toBeGreaterThan(g.comparison.mcnemar.c);
  });
});
