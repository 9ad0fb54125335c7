import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import { defineSuite } from '../../evals/define-suite.js';
import { evaluate } from '../../evals/evaluate.js';
import { JsonlRunStore } from '../../evals/sinks/jsonl-sink.js';
import type { RunningDaca } from '../../server/serve.js';
import { adviseAgent } from './advisor.js';
import { parseMargin } from './margin.js';

const KEY = 'dk-cost-advisor-support-0123456789';
const EVAL_KEY = 'dk-cost-advisor-evals-0123456789ab';
const SPEC = `
providers: { sim: { kind: sim, seed: 9 } }
models:
  gpt-4o: { provider: sim, capability: 0.9 }
  gpt-4o-mini: { provider: sim, capability: 0.6 }
tenants: { acme: {} }
teams: { care: { tenant: acme } }
agents:
  support: { team: care }
  eval-runner: { team: care }
keys:
  support: { value: "${KEY}", agent: support }
  evals: { value: "${EVAL_KEY}", agent: eval-runner }
`;
/** Easy support questions with fixed reply lengths, so the same request costs the same tokens on every model. */
const question = (i: number): string => `What is the return window in days for item ${1000 + i}? [sim:difficulty=0.05] [sim:answer=${14 + (i % 5) * 7}] [sim:tokens=30]`;
const N = 30;

let daca: RunningDaca;
const admin = (path: string) => fetch(`${daca.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });

async function traffic(model: string, phase: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const res = await post(`${daca.url}/v1/chat/completions`, KEY, { model, messages: [{ role: 'user', content: question(i) }] }, { 'x-daca-tags': `task=faq,phase=${phase}` });
    expect(res.status).toBe(200);
    ids.push(res.headers.get('x-daca-request-id')!);
    await res.text();
  }
  await daca.services.recorder.flush();
  return ids;
}

beforeAll(async () => {
  daca = await startTestDaca(SPEC);
  // Evidence: the agent's suite evaluated on both models, stored where the node looks (<dataDir>/evals).
  const suite = defineSuite({
    name: 'support',
    agent: { kind: 'prompt', model: 'gpt-4o' },
    cases: Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, input: question(100 + i), expected: String(14 + ((100 + i) % 5) * 7), tags: ['task=faq'] })),
  });
  for (const model of ['gpt-4o', 'gpt-4o-mini']) await evaluate({ suite, sink: new JsonlRunStore(join(daca.services.dataDir, 'evals')), baseUrl: `${daca.url}/v1`, apiKey: EVAL_KEY, model, seed: 1, concurrency: 8 });
}, 60_000);
afterAll(() => daca?.close());

describe('savings advisor', () => {
  it("projects the saving of the recommended model, and a replay of the agent's usage on it costs exactly that", async () => {
    await traffic('gpt-4o', 'live');
    const res = await admin('/api/cost/advice?agent=support&margin=2pp&days=30');
    expect(res.status).toBe(200);
    const { agents } = (await res.json()) as { agents: { agent: string; current: { model: string; cost_usd: number; requests: number }; recommendation: { kind: string; name: string; projected_cost_usd: number; saving_usd: number; routing: unknown; reason: string }; evidence: { run: string; model: string; trials: number }[] }[] };
    const a = agents[0]!;
    expect(a.agent).toBe('support');
    expect(a.current).toMatchObject({ model: 'gpt-4o', requests: N });
    expect(a.recommendation).toMatchObject({ kind: 'model', name: 'gpt-4o-mini', routing: { policy: 'fixed', models: ['gpt-4o-mini'] } });
    expect(a.evidence.map((e) => e.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(a.evidence.every((e) => e.trials === 40)).toBe(true);

    // Replay the same requests under the recommendation and meter them.
    await traffic('gpt-4o-mini', 'replay');
    const usage = await daca.services.store.usage.query({ groupBy: ['tag:phase'], agent: 'support' });
    const cost = (p: string) => usage.groups.find((g) => g.key['tag:phase'] === p)!.costMicros / 1e6;
    expect(a.current.cost_usd).toBeCloseTo(cost('live'), 6);
    expect(a.recommendation.projected_cost_usd).toBeCloseTo(cost('replay'), 6);
    expect(a.recommendation.saving_usd).toBeCloseTo(cost('live') - cost('replay'), 6);
    expect(a.recommendation.saving_usd).toBeGreaterThan(0.8 * cost('live'));
  });

  it('keeps the current model when nothing cheaper stays within the margin, and proposes a router for mixed work', () => {
    const trials = (model: string, pass: (i: number) => boolean) => ({
      meta: { id: `run-${model}`, suite: 'support', suiteHash: 'h', source: 's', agent: { kind: 'prompt' as const, model, version: 'v' }, seed: 1, trials: 1, personas: ['neutral'], cases: 40, startedAt: 0, finishedAt: 1 },
      trials: Array.from({ length: 40 }, (_, i) => ({ key: `c${i}|neutral|0`, caseId: `c${i}`, persona: 'neutral', trial: 0, seed: 1, completed: true, passed: pass(i), error: null, turns: 1, latencyMs: 1, timeToSuccessMs: null, promptTokens: 10, completionTokens: 10, costMicros: model === 'big' ? 100 : 6, evalCostMicros: 0, claims: 0, unsupportedClaims: 0, hallucinated: false, grades: [], output: '', finishedAt: 1 })),
    });
    const priceOf = (m: string) => (m === 'big' ? { input: 2.5, output: 10 } : m === 'small' ? { input: 0.15, output: 0.6 } : undefined);
    const rows = Array.from({ length: 20 }, (_, i) => ({ model: 'big', inputTokens: 100, outputTokens: 50, cachedTokens: 0, costMicros: 750, tags: { task: i < 10 ? 'faq' : 'hard' }, cache: 'miss' as const, status: 200 }));
    // The small model fails half the cases: no fixed switch qualifies.
    const runs = [trials('big', () => true), trials('small', (i) => i < 20)];
    const keep = adviseAgent({ agent: 'a', rows, evidence: { runs }, margin: 0.02, priceOf, windowDays: 30 });
    expect(keep.recommendation.kind).toBe('keep');
    expect(keep.recommendation.savingMicros).toBe(0);
    // With the cases' task labels (the first 20 are FAQs the small model solves) a router qualifies.
    const cases = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, input: `question ${i}`, tags: [i < 20 ? 'task=faq' : 'task=hard'] }));
    const routed = adviseAgent({ agent: 'a', rows, evidence: { runs, cases }, margin: 0.02, priceOf, windowDays: 30 });
    expect(routed.recommendation.kind).toBe('router');
    expect(routed.recommendation.policy?.routes['task=faq']?.model).toBe('small');
    expect(routed.recommendation.policy?.routes['task=hard']?.model).toBe('big');
    // Half the rows re-priced at the small model: 10 × 45 µ$ + 10 × 750 µ$.
    expect(routed.recommendation.projectedCostMicros).toBe(10 * 45 + 10 * 750);
    expect(routed.recommendation.savingMicros).toBe(20 * 750 - (10 * 45 + 10 * 750));
    expect(parseMargin('2pp')).toBe(0.02);
    expect(parseMargin('2%')).toBe(0.02);
    expect(parseMargin('0.05')).toBe(0.05);
    expect(() => parseMargin('lots')).toThrow(/margin/);
  });

  it('reports cost per agent and per successful task from feedback', async () => {
    const ids = await traffic('gpt-4o', 'feedback');
    for (const [i, id] of ids.slice(0, 10).entries()) {
      const r = await fetch(`${daca.url}/api/feedback`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ request_id: id, score: i < 8 ? 1 : -1 }) });
      expect(r.status).toBe(201);
    }
    const res = await admin('/api/cost/report?group_by=agent,tag:phase&tag.phase=feedback');
    expect(res.status).toBe(200);
    const r = (await res.json()) as { groups: Record<string, unknown>[] };
    const g = r.groups.find((x) => x.agent === 'support')!;
    expect(g).toMatchObject({ requests: N, rated: 10, success_rate: 0.8, success_source: 'feedback' });
    expect(g.cost_per_success_usd as number).toBeCloseTo((g.cost_usd as number) / (N * 0.8), 6);
    expect((await admin('/api/cost/report?group_by=nope')).status).toBe(400);
  });
});
