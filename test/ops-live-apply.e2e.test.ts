/**
 * Spec-driven operation on a running `daca up --watch` (the built CLI, a split spec): `daca apply
 * --live` under live traffic from the openai SDK changes a budget, a guardrail and a key with no
 * failed request; a failing apply leaves the old spec in force; editing an included file applies
 * it, and an invalid edit is rejected with a log line while the spec in force stays.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaca, startDacaProcess, type DacaProcess } from './support/daca-process.js';

const AGENT_KEY = 'sk-ops-live-agent-0123456789abcdef';
const NEW_KEY = 'sk-ops-live-newkey-0123456789abcdef';
const root = `version: 1
include: [teams/*.yaml]
server: { dev_key: false }
providers:
  sim: { kind: sim, ttft_ms: 5, tokens_per_second: 0 }
models:
  small: { provider: sim, price: { input: 0.1, output: 0.2 } }
tenants: { acme: { name: Acme } }
`;
const support = `teams: { support: { tenant: acme } }
agents: { bot: { team: support } }
keys:
  bot: { value: ${AGENT_KEY}, agent: bot }
budgets:
  - { scope: team, team: support, limit_usd: 10 }
`;

let daca: DacaProcess;
let teamFile: string;
const admin = async <T>(path: string): Promise<T> => (await (await fetch(`${daca.url}${path}`, { headers: { authorization: `Bearer ${daca.adminKey}` } })).json()) as T;
const limits = async (): Promise<number[]> => (await admin<{ budgets: { limit_usd: number }[] }>('/api/budgets')).budgets.map((b) => b.limit_usd);
const hash = async (): Promise<string> => (await admin<{ hash: string }>('/api/spec')).hash;
const sdk = (key: string): OpenAI => new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (c: OpenAI, content: string) => c.chat.completions.create({ model: 'small', messages: [{ role: 'user', content }] });
const until = async (what: () => Promise<boolean> | boolean, label: string): Promise<void> => {
  for (let i = 0; i < 300; i++) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${label}\n${daca.output().slice(-2000)}`);
};
const applyLive = (file: string) => runDaca(['apply', '--live', file, '--url', daca.url, '--admin-key', daca.adminKey], { cwd: daca.cwd });

beforeAll(async () => {
  daca = await startDacaProcess({ args: ['--watch', '--spec', 'daca.yaml'], env: { DACA_LOG_LEVEL: 'info' }, cwd: (() => {
    const dir = join(process.env.TMPDIR ?? '/tmp', `daca-ops-live-${process.pid}-${Date.now()}`);
    mkdirSync(join(dir, 'teams'), { recursive: true });
    writeFileSync(join(dir, 'daca.yaml'), root);
    writeFileSync(join(dir, 'teams', 'support.yaml'), support);
    return dir;
  })() });
  teamFile = join(daca.cwd, 'teams', 'support.yaml');
});
afterAll(async () => {
  await daca?.stop();
});

describe('daca apply --live and daca up --watch', () => {
  it('changes a budget, a guardrail and a key under live openai-SDK traffic with no failed request', async () => {
    const bot = sdk(AGENT_KEY);
    expect((await ask(bot, 'hello forbidden-alpha')).choices[0]!.message.content).toBeTruthy();
    expect(await limits()).toEqual([10]);
    await expect(ask(sdk(NEW_KEY), 'hi')).rejects.toMatchObject({ status: 401 });

    // The change: the support team's budget 10 → 4 (its file as edited), a deny-list guardrail and a new key (a new file).
    const next = join(daca.cwd, 'next.yaml');
    writeFileSync(next, root.replace('include: [teams/*.yaml]', 'include: [apply-team.yaml, next-team.yaml]'));
    writeFileSync(join(daca.cwd, 'apply-team.yaml'), support.replace('limit_usd: 10', 'limit_usd: 4'));
    writeFileSync(join(daca.cwd, 'next-team.yaml'), `keys:\n  newkey: { value: ${NEW_KEY}, agent: bot }\nguardrails:\n  policy:\n    deny_patterns: ["forbidden-\\\\w+"]\n`);

    let stop = false;
    const failures: string[] = [];
    let done = 0;
    const traffic = Promise.all(Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          await ask(bot, 'hello there');
          done++;
        } catch (e) {
          failures.push(String(e));
        }
      }
    }));
    await until(() => done >= 10, 'traffic');
    const plan = await runDaca(['plan', '--live', next, '--url', daca.url, '--admin-key', daca.adminKey], { cwd: daca.cwd });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ guardrails');
    expect(plan.stdout).toContain('+ keys.newkey');
    const r = await applyLive(next);
    const during = done;
    await until(() => done >= during + 10, 'traffic after the apply');
    stop = true;
    await traffic;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/~ budgets\.scope=team,team=support,window=total\n\s+limit_usd: 10 → 4/);
    expect(r.stdout).toMatch(/Applied: version \d+/);
    expect(failures).toEqual([]);
    expect(await limits()).toEqual([4]);
    await expect(ask(bot, 'hello forbidden-alpha')).rejects.toMatchObject({ status: 400 });
    expect((await ask(sdk(NEW_KEY), 'hi')).choices[0]!.message.content).toBeTruthy();
    const audit = await admin<{ records: { kind: string; body: unknown }[] }>('/api/audit?kind=spec_change');
    const swaps = audit.records.map((a) => JSON.stringify(a.body)).filter((b) => b.includes('"summary":"spec '));
    expect(swaps).toHaveLength(1);
    expect(swaps[0]).toContain('change budgets.scope=team,team=support,window=total');
  }, 180_000);

  it('a failing apply (two keys with one secret) leaves the old spec, keys and budgets in force', async () => {
    const before = await hash();
    const bad = join(daca.cwd, 'bad.yaml');
    writeFileSync(bad, root.replace('include: [teams/*.yaml]', 'include: [apply-team.yaml, next-team.yaml, bad-team.yaml]'));
    writeFileSync(join(daca.cwd, 'bad-team.yaml'), `keys:\n  clash: { value: ${AGENT_KEY}, agent: bot }\n  newer: { value: sk-ops-live-never-0123456789abcdef, agent: bot }\nbudgets:\n  - { scope: agent, agent: bot, limit_usd: 1 }\n`);
    const r = await applyLive(bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/already uses the secret/);
    expect(await hash()).toBe(before);
    expect(await limits()).toEqual([4]);
    expect((await ask(sdk(AGENT_KEY), 'still here')).choices[0]!.message.content).toBeTruthy();
    expect((await ask(sdk(NEW_KEY), 'still here')).choices[0]!.message.content).toBeTruthy();
    await expect(ask(sdk('sk-ops-live-never-0123456789abcdef'), 'hi')).rejects.toMatchObject({ status: 401 });
  }, 120_000);

  it('--watch applies an edit of an included file, and rejects an invalid edit with a log line', async () => {
    const applied = await hash();
    // Back to the watched file set (the spec file daca up started with).
    writeFileSync(teamFile, support.replace('limit_usd: 10', 'limit_usd: 6'));
    await until(async () => (await limits()).join() === '6', 'the watched edit to apply');
    expect(await hash()).not.toBe(applied);
    await until(() => /spec applied: \d+ to add, \d+ to change, \d+ to remove/.test(daca.output()), "the applied log line");
    const inForce = await hash();
    writeFileSync(teamFile, support.replace('limit_usd: 10', 'limit_usd: lots'));
    await until(() => /spec change rejected, the spec in force stays: .*support\.yaml:6:\d+ budgets\[0\]\.limit_usd: expected a number/.test(daca.output()), 'the rejection log line');
    expect(await hash()).toBe(inForce);
    expect(await limits()).toEqual([6]);
  }, 120_000);
});
