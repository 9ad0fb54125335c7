/**
 * A spend goal's `downgrade_model` on a running node, through the real HTTP server: once the day's
 * spend in the goal's scope passes `downgrade.at_percent`, chat completions asking for the big model
 * are answered by the goal's cheaper alias, visibly (`x-daca-model`, `x-daca-model-downgraded`, the
 * usage row, the audit record), and `/api/ops/goals` explains it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import type { RunningDaca } from '../../server/serve.js';

const DRAFTER = 'sk-downgrade-drafter-0123456789abcdef';
const OTHER = 'sk-downgrade-other-0123456789abcdef';
const SPEC = `version: 1
providers: { sim: { kind: sim } }
models:
  small: { provider: sim, price: { input: 50, output: 50 } }
  big: { provider: sim, price: { input: 500, output: 500 } }
aliases: { cheap: small }
tenants: { acme: {} }
teams: { support: { tenant: acme } }
agents:
  drafter: { team: support }
  other: { team: support }
keys:
  drafter: { value: ${DRAFTER}, agent: drafter }
  other: { value: ${OTHER}, agent: other }
goals:
  drafts:
    metric: cost_per_day_usd
    target: 0.1
    scope: { agent: drafter }
    actions: [downgrade_model]
    downgrade: { to: cheap, at_percent: 30 }
`;

interface GoalsAnswer {
  goals: { id: string; value: number | null; met: boolean | null; downgraded: { to: string; since: string } | null }[];
  actions: { goal: string; kind: string; target: string; explanation: string }[];
}

let d: RunningDaca;
const savedEvery = process.env.DACA_GOALS_EVERY_MS;
const admin = async <T>(path: string, method = 'GET'): Promise<T> => {
  const r = await fetch(`${d.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as T;
};
const ask = (key: string, stream = false, model = 'big'): Promise<Response> =>
  post(`${d.url}/v1/chat/completions`, key, { model, max_tokens: 40, stream, messages: [{ role: 'user', content: 'Draft a reply [sim:tokens=30]' }] });

beforeAll(async () => {
  process.env.DACA_GOALS_EVERY_MS = '0'; // the test evaluates explicitly
  d = await startTestDaca(SPEC);
});
afterAll(async () => {
  await d?.close();
  if (savedEvery === undefined) delete process.env.DACA_GOALS_EVERY_MS;
  else process.env.DACA_GOALS_EVERY_MS = savedEvery;
});

describe('downgrade_model on a running node', () => {
  it('answers the goal scope with the cheaper model once spend passes downgrade.at_percent', async () => {
    const first = await ask(DRAFTER);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-daca-model')).toBe('big');
    expect(first.headers.get('x-daca-model-downgraded')).toBeNull();
    let g = await admin<GoalsAnswer>('/api/ops/goals/evaluate', 'POST');
    expect(g.goals[0]).toMatchObject({ id: 'drafts', downgraded: null }); // one big call: under 30% of $0.10
    expect(g.goals[0]!.value).toBeLessThan(0.03);

    expect((await ask(DRAFTER)).headers.get('x-daca-model')).toBe('big');
    g = await admin<GoalsAnswer>('/api/ops/goals/evaluate', 'POST');
    expect(g.goals[0]!.value).toBeGreaterThanOrEqual(0.03);
    expect(g.goals[0]).toMatchObject({ met: true, downgraded: { to: 'cheap' } });
    expect(g.actions).toEqual([
      expect.objectContaining({ goal: 'drafts', kind: 'downgrade', target: 'agent drafter -> cheap', explanation: expect.stringContaining("answered by 'cheap'") }),
    ]);

    const down = await ask(DRAFTER);
    expect(down.status).toBe(200);
    expect(down.headers.get('x-daca-model')).toBe('small');
    expect(down.headers.get('x-daca-model-downgraded')).toBe('big->small');
    const body = (await down.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(body.model).toBe('big'); // the OpenAI body names the model asked for; the headers name the one that answered
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
    const requestId = down.headers.get('x-daca-request-id')!;

    const streamed = await ask(DRAFTER, true);
    expect(streamed.headers.get('x-daca-model-downgraded')).toBe('big->small');
    await streamed.text();

    const cheap = await ask(DRAFTER, false, 'small'); // already no dearer than the downgrade: untouched
    expect(cheap.headers.get('x-daca-model')).toBe('small');
    expect(cheap.headers.get('x-daca-model-downgraded')).toBeNull();

    const other = await ask(OTHER); // outside the goal's scope
    expect(other.headers.get('x-daca-model')).toBe('big');
    expect(other.headers.get('x-daca-model-downgraded')).toBeNull();

    const rows = await admin<{ id: string; requested_model: string; model: string; routing_policy: string | null; routing_reason: string | null }[]>('/api/usage/export?format=json&agent=drafter');
    expect(rows.find((r) => r.id === requestId)).toMatchObject({
      requested_model: 'big', model: 'small', routing_policy: 'goal',
      routing_reason: "goal drafts: today's spend reached 30% of its $0.1000 daily target: downgraded to small (was big)",
    });
    const audit = await admin<{ records: { body: { decision: { action: string; route: { requestedModel: string; model: string; via: string[] }; reasons: { source: string; name: string; effect: string }[] } } }[] }>(`/api/audit?request_id=${requestId}`);
    expect(audit.records).toHaveLength(1);
    const decision = audit.records[0]!.body.decision;
    expect(decision).toMatchObject({ action: 'modified', route: { requestedModel: 'big', model: 'small', via: ['downgrade'] } });
    expect(decision.reasons).toContainEqual(expect.objectContaining({ source: 'goal', name: 'drafts', effect: 'modify' }));
  });
});
