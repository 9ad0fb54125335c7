/**
 * `/api/evals` through the real HTTP server: runs stored in the node's store and in its JSONL run
 * folder, listed, shown and compared; figures checked against counts taken from the trials.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY, startTestDaca } from '../../../test/support/in-process-daca.js';
import type { RunResults } from '../../evals/results.js';
import { JsonlRunStore } from '../../evals/sinks/jsonl-sink.js';
import { StoreRunRepo } from '../../evals/sinks/store-sink.js';
import { mcnemarExact } from '../../evals/stats/mcnemar.js';
import { syntheticRun } from '../../evals/testing/synthetic-run.js';
import type { ResultSink } from '../../evals/sinks/types.js';
import type { RunningDaca } from '../serve.js';

const AGENT_KEY = 'agent-key-evals-api-0123456789';
let d: RunningDaca;

// baseline passes 7 of every 10 cases; the candidate loses cases 0–2 for the first persona and gains case 9 for both
const base = syntheticRun('base-run', { cases: 10, personas: ['novice', 'expert'], trials: 2, passed: (c) => c < 7, cost: 80, model: 'big' });
const cand = syntheticRun('cand-run', { cases: 10, personas: ['novice', 'expert'], trials: 2, passed: (c, p) => (c < 7 && !(p === 0 && c < 3)) || c === 9, cost: 20, model: 'small' });
base.meta.startedAt = 1_700_000_000_000;
cand.meta.startedAt = 1_700_000_500_000;

async function save(sink: ResultSink, run: RunResults): Promise<void> {
  await sink.open({ ...run.meta });
  for (const t of run.trials) await sink.append(t);
  await sink.finish(run.meta);
}

const get = async <T = Record<string, unknown>>(path: string, key = TEST_ADMIN_KEY): Promise<{ status: number; body: T }> => {
  const r = await fetch(d.url + path, { headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, body: (await r.json()) as T };
};

beforeAll(async () => {
  d = await startTestDaca(`
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim } }
tenants: { acme: {} }
teams: { t: { tenant: acme } }
agents: { a: { team: t } }
keys: { a: { value: ${AGENT_KEY}, agent: a } }
`);
  await save(new StoreRunRepo(d.services.store), base);
  await save(new JsonlRunStore(join(d.services.dataDir, 'evals')), cand);
});
afterAll(() => d?.close());

const passRate = (r: RunResults, f: (t: RunResults['trials'][number]) => boolean = () => true): number => {
  const ts = r.trials.filter(f);
  return ts.filter((t) => t.passed).length / ts.length;
};

describe('/api/evals', () => {
  it('lists runs from the store and the JSONL folder, newest first, with pass rate and cost', async () => {
    const { status, body } = await get<{ data: Record<string, unknown>[] }>('/api/evals/runs');
    expect(status).toBe(200);
    expect(body.data.map((r) => r.id)).toEqual(['cand-run', 'base-run']);
    const [c, b] = body.data;
    expect(c).toMatchObject({ suite: 'synthetic', model: 'small', trials: cand.trials.length, expected_trials: 40, status: 'finished', pass_rate: passRate(cand) });
    expect(b!.pass_rate).toBe(passRate(base));
    expect(b!.cost_usd).toBeCloseTo((base.trials.length * 80) / 1e6, 9);
    const small = await get<{ data: { id: string }[] }>('/api/evals/runs?model=small');
    expect(small.body.data.map((r) => r.id)).toEqual(['cand-run']);
  });

  it('shows one run with metrics per persona and per case, failed trials first', async () => {
    const { status, body } = await get<{ run: { id: string }; metrics: { pass_rate: number }; by_persona: { persona: string; pass_rate: number; trials: number }[]; by_case: { case: string; pass_rate: number }[]; trials: { passed: boolean }[] }>(
      '/api/evals/runs/cand-run',
    );
    expect(status).toBe(200);
    expect(body.metrics.pass_rate).toBe(passRate(cand));
    for (const p of ['novice', 'expert']) expect(body.by_persona.find((x) => x.persona === p)?.pass_rate).toBe(passRate(cand, (t) => t.persona === p));
    expect(body.by_case.find((x) => x.case === 'case-1')?.pass_rate).toBe(passRate(cand, (t) => t.caseId === 'case-1'));
    expect(body.trials).toHaveLength(40);
    expect(body.trials[0]!.passed).toBe(false);
    expect(body.trials.at(-1)!.passed).toBe(true);
  });

  it('compares two runs with McNemar and a bootstrap interval of the pass-rate difference', async () => {
    const { status, body } = await get<{
      pairs: number;
      mcnemar: { b: number; c: number; p: number };
      pass_rate: { estimate: number; lo: number; hi: number };
      by_persona: { persona: string; a_pass_rate: number; b_pass_rate: number }[];
      cases: { regressed: string[]; improved: string[] };
      summary: string;
    }>('/api/evals/compare?a=base-run&b=cand-run');
    expect(status).toBe(200);
    const bKey = new Map(cand.trials.map((t) => [t.key, t.passed]));
    const onlyA = base.trials.filter((t) => t.passed && !bKey.get(t.key)).length;
    const onlyB = base.trials.filter((t) => !t.passed && bKey.get(t.key)).length;
    expect(body.pairs).toBe(40);
    expect(body.mcnemar).toEqual({ b: onlyA, c: onlyB, p: mcnemarExact(onlyA, onlyB).p });
    expect(body.pass_rate.estimate).toBeCloseTo(passRate(cand) - passRate(base), 12);
    expect(body.pass_rate.lo).toBeLessThanOrEqual(body.pass_rate.estimate);
    expect(body.pass_rate.hi).toBeGreaterThanOrEqual(body.pass_rate.estimate);
    expect(body.by_persona.find((x) => x.persona === 'novice')).toMatchObject({ a_pass_rate: passRate(base, (t) => t.persona === 'novice'), b_pass_rate: passRate(cand, (t) => t.persona === 'novice') });
    expect(body.cases).toEqual({ regressed: ['case-0', 'case-1', 'case-2'], improved: ['case-9'] });
    expect(body.summary).toContain(`McNemar p = ${mcnemarExact(onlyA, onlyB).p.toPrecision(3)}`);
  });

  it('answers bad input and unknown runs with clear errors, and refuses non-admin keys', async () => {
    const missing = await get<{ error: { message: string } }>('/api/evals/compare?a=base-run');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('?b=');
    const unknown = await get<{ error: { message: string } }>('/api/evals/compare?a=base-run&b=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain("no eval run 'nope'");
    expect((await get('/api/evals/runs/nope')).status).toBe(404);
    expect((await get('/api/evals/runs?limit=0')).status).toBe(400);
    expect((await get('/api/evals/runs/..%2Fsecret')).status).toBe(400);
    expect((await get('/api/evals/runs', AGENT_KEY)).status).toBe(403);
  });

  it('is node-wide: a global auditor reads runs, an operator of one tenant is refused', async () => {
    const mk = async (body: Record<string, string>): Promise<string> => {
      const r = await fetch(`${d.url}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(r.status).toBe(201);
      return ((await r.json()) as { key: string }).key;
    };
    const auditor = await mk({ role: 'auditor', tenant: '*' });
    const operator = await mk({ role: 'operator', tenant: 'acme' });
    const seen = await get<{ data: { id: string }[] }>('/api/evals/runs', auditor);
    expect(seen.status).toBe(200);
    expect(seen.body.data.map((r) => r.id)).toEqual(['cand-run', 'base-run']);
    const refused = await get<{ error: { message: string } }>('/api/evals/compare?a=base-run&b=cand-run', operator);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('global key');
  });
});
