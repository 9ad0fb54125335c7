import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelDowngradesOf } from '../../gateway/model-downgrades.js';
import { GatewayModelClient } from '../../runtime/model-client.js';
import { createServices, type Services } from '../../server/services.js';
import { parseSpecText } from '../../spec/loader.js';
import type { Spec } from '../../spec/schema.js';
import { GoalMeter } from './goal-meter.js';
import { GoalRunner } from './goal-runner.js';

const SPEC = `providers: { sim: { kind: sim } }
models:
  small: { provider: sim, price: { input: 50, output: 50 } }
  big: { provider: sim, price: { input: 500, output: 500 } }
tenants: { acme: {} }
teams: { ops: { tenant: acme } }
goals:
  spend:
    metric: cost_per_day_usd
    target: 0.001
    scope: { team: ops }
    actions: [defer]
    defer: { at_percent: 50, agents: [reports] }
`;
const DAY = 86_400_000;

let s: Services;
beforeAll(async () => {
  s = await createServices({ spec: parseSpecText(SPEC, 'daca.yaml', {}), dataDir: mkdtempSync(join(tmpdir(), 'daca-goals-')), devKey: false, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await s?.close();
});

/** A runner on the node's real parts, with an injected clock and spec. */
function runner(now: () => number, spec: () => Pick<Spec, 'goals'>): GoalRunner {
  const meter = new GoalMeter({ usage: async (f) => (await s.observability.analytics.window(f)).rows, pendingApprovals: async () => 0 });
  return new GoalRunner({ spec, meter, now, alerts: s.observability.alerts, approvals: s.engines.approvals, killSwitch: s.engines.killSwitch, downgrades: modelDowngradesOf(s) });
}

describe('GoalRunner', () => {
  it('defers at the threshold, escalates once past the target, and resumes when the UTC day turns', async () => {
    const client = new GatewayModelClient(s.gateway);
    for (let i = 0; i < 4; i++) await client.chat({ tenant: 'acme', team: 'ops', agent: 'writer', session: null }, { model: 'small', max_tokens: 40, messages: [{ role: 'user', content: 'hello [sim:tokens=30]' }] });
    let now = Date.now();
    const r = runner(() => now, () => s.spec.spec);
    const [g] = await r.evaluate();
    expect(g!.value).toBeGreaterThan(0.001); // past the target: deferring the agent is not enough
    expect(g!.deferred).toEqual(['reports']);
    expect(r.actions.map((a) => a.kind)).toEqual(['defer', 'alert', 'approval']);
    expect(r.actions[1]!.explanation).toContain('every deferrable agent (reports) is already paused');
    expect((await s.engines.killSwitch.list()).map((x) => x.subject)).toEqual(['reports']);
    await r.evaluate();
    expect(r.actions).toHaveLength(3);

    now = (Math.floor(now / DAY) + 1) * DAY + 60_000; // a minute into the next UTC day: nothing spent yet
    const [next] = await r.evaluate();
    expect(next).toMatchObject({ value: 0, met: true, deferred: [], escalation: null });
    expect(r.actions.slice(3).map((a) => `${a.kind} ${a.target}`)).toEqual(['resume reports', `recovered alert:${g!.escalation!.alert}`]);
    expect(await s.engines.killSwitch.list()).toEqual([]);
    expect((await s.observability.alerts.list({ state: 'firing' })).filter((a) => a.rule === 'goal:spend')).toEqual([]);
  });

  it('asks for one approval when two nodes escalate the same goal at once', async () => {
    // two controllers on one store, as on two nodes of a cluster; a goal of its own (`race`), past its target
    const spec = (): Pick<Spec, 'goals'> => ({ goals: { race: { ...s.spec.spec.goals.spend!, actions: [] } } });
    const client = new GatewayModelClient(s.gateway);
    await client.chat({ tenant: 'acme', team: 'ops', agent: 'writer', session: null }, { model: 'small', max_tokens: 40, messages: [{ role: 'user', content: 'hello [sim:tokens=30]' }] });
    const a = runner(Date.now, spec);
    const b = runner(Date.now, spec);
    const [[ga], [gb]] = await Promise.all([a.evaluate(), b.evaluate()]);
    expect(ga!.escalation).not.toBeNull();
    expect(gb!.escalation).toEqual(ga!.escalation);
    expect((await s.engines.approvals.list({ limit: 1000 })).filter((x) => x.ruleId === 'goal:race')).toHaveLength(1);
    expect([...a.actions, ...b.actions].filter((x) => x.kind === 'approval')).toHaveLength(1);
    expect((await s.observability.alerts.list({ state: 'firing' })).filter((x) => x.rule === 'goal:race')).toHaveLength(1);
    await s.observability.alerts.clear('goal:race', 'race');
  });

  it('lets go of a goal that left the spec: its deferred agents resume', async () => {
    let goals: Pick<Spec, 'goals'> = s.spec.spec;
    const r = runner(Date.now, () => goals);
    await r.evaluate();
    expect((await s.engines.killSwitch.list()).map((x) => x.subject)).toEqual(['reports']);
    goals = { goals: {} };
    expect(await r.evaluate()).toEqual([]);
    expect(await s.engines.killSwitch.list()).toEqual([]);
    expect(r.actions.at(-1)).toMatchObject({ kind: 'resume', target: 'reports', explanation: 'resumed deferred agents (reports): the goal left the spec' });
  });

  it("downgrades the scope's model calls at downgrade.at_percent, before deferring, and restores them when the UTC day turns", async () => {
    const goals = parseSpecText(`${SPEC.slice(0, SPEC.indexOf('goals:'))}goals:
  drafts:
    metric: cost_per_day_usd
    target: 0.1
    scope: { agent: drafter }
    actions: [downgrade_model, defer]
    downgrade: { to: small, at_percent: 30 }
    defer: { agents: [reports] }
`, 'daca.yaml', {}).spec;
    const client = new GatewayModelClient(s.gateway);
    const draft = (agent = 'drafter') => client.chat({ tenant: 'acme', team: 'ops', agent, session: null }, { model: 'big', max_tokens: 40, messages: [{ role: 'user', content: 'draft [sim:tokens=30]' }] });
    let days = 0;
    const r = runner(() => Date.now() + days * DAY, () => goals);
    expect((await draft()).model).toBe('big');
    const [below] = await r.evaluate();
    expect(below!.value).toBeLessThan(0.03); // one call on the big model: under 30% of $0.10
    expect(below!.downgraded).toBeNull();
    expect(r.actions).toEqual([]);

    await draft();
    const [g] = await r.evaluate();
    expect(g!.value).toBeGreaterThanOrEqual(0.03);
    expect(g!.met).toBe(true); // under the target, under the 90% defer threshold: nothing paused
    expect(g).toMatchObject({ downgraded: { to: 'small' }, deferred: [] });
    expect(r.actions.map((a) => `${a.kind} ${a.target}`)).toEqual(['downgrade agent drafter -> small']);
    expect(r.actions[0]!.explanation).toMatch(/^model calls of agent drafter are answered by 'small' instead of the model they ask for \(when dearer\) until the UTC day ends: \$0\.\d{4} against a target of at most \$0\.1000, past the 30% downgrade threshold/);
    expect(modelDowngradesOf(s).list()).toMatchObject([{ owner: 'drafts', to: 'small', scope: { agent: 'drafter' } }]);
    expect((await draft()).model).toBe('small'); // asked for big, answered by small
    expect((await draft('writer')).model).toBe('big'); // outside the goal's scope
    const rows = (await s.observability.analytics.window({ from: Date.now() - 60_000, to: Date.now() + 1, agent: 'drafter' })).rows;
    expect(rows.map((x) => x.model).sort()).toEqual(['big', 'big', 'small']); // the usage rows show the model that answered
    await r.evaluate();
    expect(r.actions).toHaveLength(1);

    days = 1; // the next UTC day: nothing spent yet
    const [next] = await r.evaluate();
    expect(next).toMatchObject({ value: 0, downgraded: null });
    expect(r.actions.slice(1).map((a) => `${a.kind} ${a.target}: ${a.explanation}`)).toEqual([`restore agent drafter -> small: model calls of agent drafter get the model they ask for again (no longer 'small'): a new UTC day began`]);
    expect(modelDowngradesOf(s).list()).toEqual([]);
    expect((await draft()).model).toBe('big');
  });

  it('follows a live change of the downgraded scope, and lifts the downgrade when its goal leaves the spec', async () => {
    const goalsOf = (scope: string): Pick<Spec, 'goals'> => parseSpecText(`${SPEC.slice(0, SPEC.indexOf('goals:'))}goals:
  drafts: { metric: cost_per_day_usd, target: 0.1, scope: ${scope}, actions: [downgrade_model], downgrade: { to: small, at_percent: 1 } }
`, 'daca.yaml', {}).spec;
    let goals = goalsOf('{ agent: drafter }');
    const r = runner(Date.now, () => goals);
    await r.evaluate();
    expect(modelDowngradesOf(s).list().map((d) => `${d.owner} ${JSON.stringify(d.scope)}`)).toEqual(['drafts {"agent":"drafter"}']);
    goals = goalsOf('{ team: ops, agent: drafter }');
    await r.evaluate();
    expect(modelDowngradesOf(s).list().map((d) => `${d.owner} ${JSON.stringify(d.scope)}`)).toEqual(['drafts {"team":"ops","agent":"drafter"}']);
    goals = { goals: {} };
    await r.evaluate();
    expect(modelDowngradesOf(s).list()).toEqual([]);
    expect(r.actions.map((a) => `${a.kind} ${a.target}`)).toEqual(['downgrade agent drafter -> small', 'downgrade team ops, agent drafter -> small', 'restore team ops, agent drafter -> small']);
    expect(r.actions[1]!.explanation).toBe("the goal changed: model calls of team ops, agent drafter are now answered by 'small' until the UTC day ends");
    expect(r.actions[2]!.explanation).toContain('the goal left the spec');
  });
});
