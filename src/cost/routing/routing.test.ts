import { describe, expect, it } from 'vitest';
import { costMicros } from '../../metering/cost.js';
import { createProviders } from '../../providers/registry.js';
import type { ChatRequest, ChatResult } from '../../providers/types.js';
import { parseSpecText } from '../../spec/loader.js';
import { compileModelCatalog } from '../../spec/resolve.js';
import { RoutingSpecSchema } from '../cost-spec.js';
import { Cascade } from './cascade.js';
import { compileRouting } from './compile-routing.js';
import type { LearnedPolicy } from './learned-policy.js';
import { withBudgetDowngrade } from './policies.js';
import type { ModelCall, RoutingContext } from './routing-types.js';
import { compileVerifier } from './verifiers.js';

const spec = parseSpecText(
  `
providers: { sim: { kind: sim, seed: 5 } }
models:
  small: { provider: sim, upstream: gpt-4o-mini, capability: 0.6 }
  large: { provider: sim, upstream: gpt-4o, capability: 0.9 }
aliases: { best: large }
`,
  'routing.yaml',
  {},
).spec;
const catalog = compileModelCatalog(spec);
const providers = createProviders(spec);

/** Calls the real sim provider and prices the answer; records the calls. */
function simCall(log: string[]): ModelCall {
  return async (model, req) => {
    const m = catalog.resolve(model)!;
    log.push(model);
    const result = await providers.get(m.provider)!.chat({ ...req, model: m.upstream }, { signal: new AbortController().signal, requestId: 'test' });
    const u = result.usage;
    return { result, costMicros: costMicros({ inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens, cachedTokens: 0 }, m.price) };
  };
}

const task = (q: string, difficulty: number, answer: string): ChatRequest => ({ model: 'large', messages: [{ role: 'user', content: `${q} [sim:difficulty=${difficulty}] [sim:answer=${answer}]` }] });
const ctx = (req: ChatRequest, tags: Record<string, string> = {}): RoutingContext => ({ tenant: 't', agent: 'a', tags, requestedModel: 'large', req });
const content = (r: ChatResult): string => r.choices[0]?.message.content ?? '';

describe('cascade on the sim provider', () => {
  const routing = compileRouting('a', RoutingSpecSchema.parse({ policy: 'cascade', models: ['small', 'large'], verifiers: [{ type: 'heuristic' }, { type: 'consistency' }] }), spec);

  it('keeps a cheap answer the verifier accepts and escalates one it rejects, deterministically', async () => {
    const easy = task('How many days is the return window for the kettle?', 0.05, '28');
    const hard = task('How many units are reserved for order 551 in Oslo?', 0.95, '17');
    const run = async (req: ChatRequest) => {
      const log: string[] = [];
      const out = await routing.cascade.run({ req, decision: routing.policy.choose(ctx(req)) }, simCall(log));
      return { out, log };
    };
    const e = await run(easy);
    expect(e.out.model).toBe('small');
    expect(e.out.tried).toHaveLength(1);
    expect(e.out.tried[0]!.accepted).toBe(true);
    expect(e.out.tried[0]!.note).toMatch(/consistent answer "28"/);
    expect(e.log).toEqual(['small', 'small']); // the answer and the probe
    expect(content(e.out.result)).toContain('28');

    const h = await run(hard);
    expect(h.out.model).toBe('large');
    expect(h.out.tried.map((t) => [t.model, t.accepted])).toEqual([['small', false], ['large', true]]);
    expect(h.out.decision.reason).toMatch(/escalated small \(consistency: answers differ/);
    expect(h.out.costMicros).toBe(h.out.tried.reduce((s, t) => s + t.costMicros, 0));

    // Deterministic: the same request takes the same path with the same result.
    const again = await run(hard);
    expect(again.out.tried).toEqual(h.out.tried);
    expect(content(again.out.result)).toBe(content(h.out.result));
  });

  it('escalates when the cheap model fails upstream; a caller error is not escalated', async () => {
    const failing = task('What is the return window? [sim:fail=500]', 0.1, '14');
    const log: string[] = [];
    const call: ModelCall = async (m, r) => (m === 'small' ? simCall(log)(m, r) : simCall(log)(m, { ...r, messages: [{ role: 'user', content: 'fine' }] }));
    const out = await routing.cascade.run({ req: failing, decision: routing.policy.choose(ctx(failing)) }, call);
    expect(out.model).toBe('large');
    expect(out.tried[0]!.note).toMatch(/^error:/);
    await expect(routing.cascade.run({ req: task('x [sim:fail=nope]', 0.1, '1'), decision: routing.policy.choose(ctx(failing)) }, simCall([]))).rejects.toThrow(/sim marker/);
  });
});

describe('verifiers', () => {
  const r = (text: string): ChatResult => ({ id: 'x', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  const input = (text: string, req: Partial<ChatRequest> = {}) => ({ req: { model: 'm', messages: [], ...req } as ChatRequest, result: r(text), model: 'm', call: (async () => { throw new Error('no calls'); }) as ModelCall });

  it('heuristic: hedges, refusals and empty answers are rejected', async () => {
    const v = compileVerifier({ type: 'heuristic', min_chars: 1 });
    expect((await v.verify(input('The answer is 42.'))).accept).toBe(true);
    expect((await v.verify(input("I'm not sure, maybe 42."))).accept).toBe(false);
    expect((await v.verify(input('As an AI I cannot help with that.'))).accept).toBe(false);
    expect((await v.verify(input('  '))).accept).toBe(false);
  });

  it('json_schema: the request schema is enforced', async () => {
    const v = compileVerifier({ type: 'json_schema' });
    const rf = { response_format: { type: 'json_schema' as const, json_schema: { name: 'x', schema: { type: 'object', required: ['answer'], properties: { answer: { type: 'string' } } } } } };
    expect((await v.verify(input('{"answer":"Paris"}', rf))).accept).toBe(true);
    expect((await v.verify(input('{"city":"Paris"}', rf))).reason).toMatch(/schema/);
    expect((await v.verify(input('Paris', rf))).accept).toBe(false);
  });

  it('regex: must or must not match', async () => {
    expect((await compileVerifier({ type: 'regex', pattern: 'order \\d+', flags: 'i', must_match: true }).verify(input('Order 55 shipped'))).accept).toBe(true);
    expect((await compileVerifier({ type: 'regex', pattern: 'sorry', flags: 'i', must_match: false }).verify(input('Sorry, no'))).accept).toBe(false);
  });
});

describe('router', () => {
  const learned: LearnedPolicy = {
    version: 1, suite: 's', trained_at: '2026-01-01T00:00:00.000Z', margin: 0.02, models: ['small', 'large'],
    routes: {
      'task=faq': { model: 'small', verify: false, reason: 'within margin', evidence: [] },
      'task=lookup|len=short': { model: 'small', verify: true, reason: 'verified', evidence: [] },
      '*': { model: 'large', verify: false, reason: 'default', evidence: [] },
    },
  };
  const routing = compileRouting('a', RoutingSpecSchema.parse({ policy: 'router', models: ['small', 'large'], rules: [{ when: { tools: true }, model: 'large' }] }), spec, { learned });

  it('decides from rules, then the learned policy (most specific key first), with reasons', () => {
    const q = task('Which hub ships order 4?', 0.3, 'Oslo');
    expect(routing.policy.choose(ctx(q, { task: 'faq' }))).toMatchObject({ model: 'small', verify: false, policy: 'router', escalateTo: [] });
    const lookup = routing.policy.choose(ctx(q, { task: 'lookup' }));
    expect(lookup).toMatchObject({ model: 'small', verify: true, escalateTo: ['large'] });
    expect(lookup.reason).toMatch(/learned task=lookup\|len=short/);
    expect(routing.policy.choose(ctx(q, { task: 'other' })).model).toBe('large');
    const withTools = { ...q, tools: [{ type: 'function' as const, function: { name: 'lookup' } }] };
    expect(routing.policy.choose(ctx(withTools, { task: 'faq' }))).toMatchObject({ model: 'large', reason: expect.stringMatching(/rule 1 \(tools=true\)/) });
  });

  it('a budget downgrade overrides the decision and stops escalation', () => {
    const d = withBudgetDowngrade(routing.policy.choose(ctx(task('q', 0.3, 'x'), { task: 'lookup' })), 'small');
    expect(d).toMatchObject({ model: 'small', policy: 'budget', verify: false, escalateTo: [] });
    expect(withBudgetDowngrade(routing.policy.choose(ctx(task('q', 0.3, 'x'), { task: 'faq' })), null).policy).toBe('router');
    const byGoal = withBudgetDowngrade(routing.policy.choose(ctx(task('q', 0.3, 'x'), { task: 'lookup' })), 'small', { policy: 'goal', reason: 'goal spend: at 80%' });
    expect(byGoal).toMatchObject({ model: 'small', policy: 'goal', verify: false, escalateTo: [] });
    expect(byGoal.reason).toMatch(/^goal spend: at 80%: downgraded to small \(was /);
  });

  it('rejects models the spec does not declare', () => {
    expect(() => compileRouting('a', RoutingSpecSchema.parse({ policy: 'cascade', models: ['small', 'huge'] }), spec)).toThrow(/agents\.a\.routing\.models\.1: 'huge'/);
    expect(compileRouting('a', RoutingSpecSchema.parse({ policy: 'fixed', models: ['best'] }), spec).policy.choose(ctx(task('q', 0, 'x'))).model).toBe('best');
  });
});

describe('cascade without verification', () => {
  it('takes the first answer as is', async () => {
    const log: string[] = [];
    const out = await new Cascade([compileVerifier({ type: 'heuristic', min_chars: 1 })]).run({ req: task('q', 0.1, 'x'), decision: { model: 'small', reason: 'fixed', policy: 'fixed', verify: false, escalateTo: ['large'] } }, simCall(log));
    expect(log).toEqual(['small']);
    expect(out.tried[0]!.note).toBe('not verified');
  });
});
