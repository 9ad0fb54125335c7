/**
 * The goal controller in a running `daca up` (the built CLI): a goal that cannot be met inside its
 * budget raises exactly one alert and one approval request however often it is evaluated, and
 * nothing is overspent; a spend goal defers its non-urgent agent through the kill switch; every
 * action is explained at /api/ops/goals and by `daca goals`; a live apply that changes a goal
 * takes effect at once and resolves the alert.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaca, startDacaProcess, type DacaProcess } from './support/daca-process.js';

const WRITER_KEY = 'sk-goals-writer-0123456789abcdef';
const NIGHTLY_KEY = 'sk-goals-nightly-0123456789abcdef';
const spec = (answersTarget: number): string => `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim }
models:
  small: { provider: sim, price: { input: 50, output: 50 } }
tenants: { acme: { name: Acme } }
teams: { support: { tenant: acme } }
agents:
  writer: { team: support }
  nightly: { team: support }
keys:
  writer: { value: ${WRITER_KEY}, agent: writer }
  nightly: { value: ${NIGHTLY_KEY}, agent: nightly }
budgets:
  - { scope: agent, agent: writer, limit_usd: 0.004, window: day }
goals:
  answers:
    description: answer 95% of the writer's requests
    metric: success_rate
    target: ${answersTarget}
    window: 1h
    scope: { agent: writer }
  spend:
    metric: cost_per_day_usd
    target: 0.02
    scope: { team: support }
    actions: [defer]
    defer: { at_percent: 25, agents: [nightly] }
  trades: { metric: trade_completion_rate, target: 0.5, within: 10m }
`;

interface Goals {
  goals: { id: string; value: number | null; met: boolean | null; attainment: number | null; escalation: { alert: string; approval: string } | null; deferred: string[]; detail: string }[];
  actions: { goal: string; kind: string; target: string; explanation: string }[];
}

let daca: DacaProcess;
const api = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
  const r = await fetch(`${daca.url}${path}`, { method, headers: { authorization: `Bearer ${daca.adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};
const evaluate = (): Promise<Goals> => api<Goals>('/api/ops/goals/evaluate', 'POST');
const goal = (g: Goals, id: string) => g.goals.find((x) => x.id === id)!;
const sdk = (key: string): OpenAI => new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = async (key: string): Promise<number> => {
  try {
    await sdk(key).chat.completions.create({ model: 'small', max_tokens: 40, messages: [{ role: 'user', content: 'Draft a short answer to the ticket [sim:tokens=30]' }] });
    return 200;
  } catch (e) {
    return (e as { status?: number }).status ?? 0;
  }
};

beforeAll(async () => {
  const cwd = join(process.env.TMPDIR ?? '/tmp', `daca-goals-${process.pid}-${Date.now()}`);
  (await import('node:fs')).mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'daca.yaml'), spec(0.95));
  // No schedule: the test evaluates explicitly, so nothing depends on timing.
  daca = await startDacaProcess({ cwd, args: ['--spec', 'daca.yaml'], env: { DACA_GOALS_EVERY_MS: '0' } });
});
afterAll(async () => {
  await daca?.stop();
});

describe('goals on a running node', () => {
  it('a goal that cannot be met inside its budget raises one alert and one approval, and nothing is overspent', async () => {
    const writer: number[] = [];
    for (let i = 0; i < 12; i++) writer.push(await ask(WRITER_KEY));
    expect(writer.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(writer.filter((s) => s === 402).length).toBeGreaterThan(0); // the budget rejects the rest

    const first = await evaluate();
    const answers = goal(first, 'answers');
    expect(answers.met).toBe(false);
    expect(answers.value).toBeLessThan(0.95);
    expect(answers.escalation).not.toBeNull();
    const alertAction = first.actions.find((a) => a.goal === 'answers' && a.kind === 'alert')!;
    expect(alertAction.explanation).toMatch(/^goal answers cannot be met inside its limits: \d+\.\d% against a target of at least 95\.0%\. No allowed action can meet it inside the limits: \d+ requests were rejected by a hard budget/);

    await evaluate();
    await evaluate();
    const firing = await api<{ data: { rule: string; state: string }[] }>('/api/alerts?state=firing');
    expect(firing.data.filter((a) => a.rule === 'goal:answers')).toHaveLength(1);
    const pending = await api<{ data: { id: string; rule: string; reason: string }[] }>('/api/approvals?status=pending');
    const asks = pending.data.filter((a) => a.rule === 'goal:answers');
    expect(asks).toHaveLength(1);
    expect(asks[0]!.id).toBe(answers.escalation!.approval);
    const after = await api<Goals>('/api/ops/goals');
    expect(after.actions.filter((a) => a.goal === 'answers' && (a.kind === 'alert' || a.kind === 'approval')).map((a) => a.kind)).toEqual(['alert', 'approval']);

    // Nothing overspent: the writer's spend today stays within its $0.004 budget.
    const usage = await api<{ groups: { agent: string; cost_usd: number }[] }>('/api/usage?group_by=agent');
    const spent = usage.groups.find((r) => r.agent === 'writer')!.cost_usd;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(0.004);
  });

  it('a spend goal defers its non-urgent agent, with the reason, through the kill switch', async () => {
    let ok = 0;
    for (let i = 0; i < 40 && ok < 3; i++) if ((await ask(NIGHTLY_KEY)) === 200) ok++;
    const g = await evaluate();
    const spend = goal(g, 'spend');
    expect(spend.value).toBeGreaterThanOrEqual(0.005);
    expect(spend.met).toBe(true);
    expect(spend.deferred).toEqual(['nightly']);
    const deferred = g.actions.find((a) => a.goal === 'spend' && a.kind === 'defer')!;
    expect(deferred.target).toBe('nightly');
    expect(deferred.explanation).toMatch(/^deferred 1 non-urgent agent \(nightly\) until the UTC day ends: \$0\.\d{4} against a target of at most \$0\.0200, past the 25% defer threshold/);
    expect(await ask(NIGHTLY_KEY)).toBe(403);
    const suspensions = await api<{ data: { kind: string; subject: string; by: string }[] }>('/api/suspensions');
    expect(suspensions.data).toContainEqual(expect.objectContaining({ kind: 'agent', subject: 'nightly', by: 'goal-controller' }));
  });

  it('`daca goals` shows the goals and the explained actions', async () => {
    const r = await runDaca(['goals', '--url', daca.url, '--admin-key', daca.adminKey]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/answers\s+success_rate\s+>= 95\.0%\s+\d+\.\d%\s+MISSED, escalated/);
    expect(r.stdout).toMatch(/spend\s+cost_per_day_usd\s+<= \$0\.0200\s+\$0\.\d{4}\s+met\s+100\.0%\s+nightly/);
    expect(r.stdout).toContain('answers  approval approval:');
    const bad = await runDaca(['goals', '--limit', 'lots', '--url', daca.url, '--admin-key', daca.adminKey]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--limit must be an integer from 1 to 1000 (got 'lots')");
  });

  it('measures trade_completion_rate from a marketplace run on the node', async () => {
    expect(goal(await evaluate(), 'trades')).toMatchObject({ value: null, met: null, detail: 'no source of trade_completion_rate on this node (the workload that produces it measures it: a marketplace run, `daca deals start`, for trades; `daca demo support` for tickets)' });
    const started = await api<{ id: string }>('/api/orchestration/markets', 'POST', { buyers: 20, sellers: 10, mediators: 3, demand: 40, model_share: 0 });
    for (let i = 0; i < 600; i++) {
      if (!(await api<{ running: boolean }>(`/api/orchestration/markets/${started.id}`)).running) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const trades = goal(await evaluate(), 'trades');
    expect(trades.value).toBeGreaterThan(0);
    expect(trades.value).toBeLessThanOrEqual(1);
    expect(trades.detail).toMatch(new RegExp(`^market ${started.id}: \\d+ of \\d+ feasible trades settled within 10 min$`));
  });

  it('a live apply that changes the goal takes effect at once and resolves the alert', async () => {
    writeFileSync(join(daca.cwd, 'daca.yaml'), spec(0));
    const plan = await runDaca(['plan', 'daca.yaml', '--live', '--url', daca.url, '--admin-key', daca.adminKey], { cwd: daca.cwd });
    expect(plan.stdout).toContain('  ~ goals.answers\n      target: 0.95 → 0');
    const applied = await runDaca(['apply', '--live', 'daca.yaml', '--url', daca.url, '--admin-key', daca.adminKey], { cwd: daca.cwd });
    expect(applied.code).toBe(0);
    const g = await evaluate();
    expect(goal(g, 'answers')).toMatchObject({ met: true, escalation: null });
    expect(g.actions.at(-1)).toMatchObject({ goal: 'answers', kind: 'recovered' });
    const firing = await api<{ data: { rule: string }[] }>('/api/alerts?state=firing');
    expect(firing.data.filter((a) => a.rule === 'goal:answers')).toHaveLength(0);
  });
});
