/**
 * The gate through a real daca (sim provider): a weaker candidate fails with the right
 * statistics; an equal candidate passes across seeds; baselines are reused from the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { gateSuite } from './gate-run.js';
import { mcnemarExact } from './stats/mcnemar.js';
import { MemoryRunStore } from './sinks/memory-sink.js';
import { parseSuiteText } from './suite-loader.js';
import { capitalsSuiteYaml, SIM_KEY, SIM_SPEC } from './testing/sim-fixtures.js';

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(SIM_SPEC);
});
afterAll(async () => {
  await daca?.close();
});

const suite = parseSuiteText(capitalsSuiteYaml({ n: 40, personas: ['neutral', 'novice'], trials: 2 }), 'capitals.yaml');

describe('gateSuite', () => {
  it('fails a candidate that is worse on hard cases, with McNemar and bootstrap statistics that match the trials', async () => {
    const store = new MemoryRunStore();
    const g = await gateSuite({ suite, store, baseline: 'stable', candidate: 'canary', baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY, seed: 3, concurrency: 16 });
    expect(g.decision.passed).toBe(false);
    expect(g.decision.reasons.join('\n')).toMatch(/regression: .*significantly worse/);

    // Recount the discordant pairs from the stored trials.
    const cand = new Map(g.candidate.trials.map((t) => [t.key, t]));
    let b = 0;
    let c = 0;
    let hardB = 0;
    for (const t of g.baseline.trials) {
      const u = cand.get(t.key)!;
      if (t.passed && !u.passed) {
        b++;
        if (Number(t.caseId.slice(1)) % 2 === 1) hardB++;
      } else if (!t.passed && u.passed) c++;
    }
    expect(g.comparison.pairs).toBe(160);
    expect(g.comparison.mcnemar).toEqual(mcnemarExact(b, c));
    expect(b).toBeGreaterThan(20);
    expect(hardB / b).toBeGreaterThan(0.8); // the regression is on the hard cases
    expect(g.comparison.mcnemar.p).toBeLessThan(1e-6);
    const drop = g.comparison.a.metrics.goalRate - g.comparison.b.metrics.goalRate;
    expect(g.comparison.passRate.estimate).toBeCloseTo(-drop, 10);
    expect(g.comparison.passRate.hi).toBeLessThan(0);
    expect(g.comparison.passRate.lo).toBeLessThan(g.comparison.passRate.estimate);
    // Metered: the weak model is cheaper per token, the trials carry cost from x-daca-cost-usd.
    expect(g.baseline.trials.every((t) => t.costMicros > 0)).toBe(true);
    expect(g.baseline.meta.agent.model).toBe('stable');
    expect(g.candidate.meta.agent.model).toBe('canary');
    expect(g.candidate.meta.agent.version).toMatch(/^sha256:[0-9a-f]{12}$/);
  });

  it('passes an equal candidate across seeds (no false alarm) and reuses stored runs', async () => {
    const store = new MemoryRunStore();
    let discordant = 0;
    for (const seed of [1, 2, 3]) {
      const g = await gateSuite({ suite, store, baseline: 'strong', candidate: 'twin', baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY, seed, concurrency: 16, policy: { min_pass_rate: 0.5 } });
      expect(g.decision.passed, g.decision.reasons.join('\n')).toBe(true);
      expect(g.comparison.mcnemar.p).toBeGreaterThanOrEqual(0.05);
      discordant += g.comparison.mcnemar.b + g.comparison.mcnemar.c;
    }
    // The twin's draws are its own: it disagrees with `strong` on some trials, and the gate still passes it.
    expect(discordant).toBeGreaterThan(0);
    // A stored baseline run is reused by id: nothing is re-run.
    const id = (await gateSuite({ suite, store, baseline: 'strong', candidate: 'twin', baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY, seed: 1 })).baseline.meta.id;
    const ran: string[] = [];
    const again = await gateSuite({ suite, store, baseline: id, candidate: 'twin', baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY, onRun: (_r, m) => ran.push(m) });
    expect(again.baseline.meta.id).toBe(id);
    expect(again.comparison.pairs).toBe(160);
    expect(ran).toEqual(['twin']);
  });

  it('fails on an absolute floor even without a regression, and says which', async () => {
    const g = await gateSuite({ suite, store: new MemoryRunStore(), baseline: 'strong', candidate: 'twin', baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY, seed: 1, policy: { min_pass_rate: 0.99 } });
    expect(g.decision.passed).toBe(false);
    expect(g.decision.reasons).toHaveLength(1);
    expect(g.decision.reasons[0]).toMatch(/^min_pass_rate: pass rate \d+\.\d% < floor 99\.0%/);
  });

  it('refuses to run a model for an HTTP agent: stored runs are needed', async () => {
    await expect(
      gateSuite({ suite, store: new MemoryRunStore(), baseline: 'stable', candidate: 'canary', agent: { kind: 'http', url: 'http://127.0.0.1:1/', headers: {}, timeout_ms: 1000 } }),
    ).rejects.toThrow(/--baseline 'stable' is not a stored run; only prompt-agents can be run with a model/);
  });
});
