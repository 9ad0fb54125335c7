/**
 * The durable runtime on a real restate-server (from npm, spawned by the runtime): a workflow
 * survives `kill -9` of restate-server with every step's side effect applied exactly once;
 * durable state survives a restart; timers and reminders fire; a human step resumes when its
 * approval is decided; compensations run when a step fails for good.
 * Fails (does not skip) when restate-server cannot start.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalService } from '../guardrails/approvals/approval-service.js';
import { loadDefaultSpec } from '../spec/default-spec.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { AgentRuntime } from './agent-runtime.js';
import { defineAgent, messageText, textMessage } from './define-agent.js';
import { defineWorkflow } from './define-workflow.js';
import type { AgentModelClient } from './model-client.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-runtime-'));
const db = new Database(join(dir, 'effects.db'));
db.exec('CREATE TABLE effects (key TEXT PRIMARY KEY, step TEXT NOT NULL, at INTEGER NOT NULL); CREATE TABLE attempts (step TEXT NOT NULL, at INTEGER NOT NULL)');
const STEPS = ['reserve', 'charge', 'pack', 'ship', 'notify'];

/** A side effect made idempotent by the step's key; every execution is counted in `attempts`. */
function effect(step: string, key: string): string {
  db.prepare('INSERT INTO attempts (step, at) VALUES (?, ?)').run(step, Date.now());
  db.prepare('INSERT OR IGNORE INTO effects (key, step, at) VALUES (?, ?, ?)').run(key, step, Date.now());
  return step;
}

const pipeline = defineWorkflow({
  name: 'pipeline',
  async run(ctx, input: { pauseMs: number }) {
    const done: string[] = [];
    for (const s of STEPS) {
      done.push(await ctx.step(s, (key) => effect(s, key)));
      await ctx.sleep(input.pauseMs);
    }
    const fan = await ctx.all(['a', 'b', 'c'].map((b) => () => ctx.step(`fan-${b}`, (key) => effect(`fan-${b}`, key))));
    return { done, fan };
  },
});

const saga = defineWorkflow({
  name: 'saga',
  async run(ctx, input: { failAt: string }) {
    for (const s of ['book-hotel', 'book-flight', 'book-car']) {
      await ctx.step(
        s,
        (key) => {
          if (s === input.failAt) throw new Error(`${s} is sold out`);
          return effect(`${ctx.id}/${s}`, key);
        },
        { retries: 2, retryDelayMs: 10, compensate: (_r, key) => void effect(`${ctx.id}/undo-${s}`, `undo:${key}`) },
      );
    }
    return 'booked';
  },
});

const approvalFlow = defineWorkflow({
  name: 'expense',
  async run(ctx, input: { amount: number }) {
    await ctx.step('file', (key) => effect(`${ctx.id}/file`, key));
    const d = await ctx.approval('manager', { reason: 'expense over 100 USD', summary: `expense of ${input.amount} USD` });
    if (d.approved) await ctx.step('pay', (key) => effect(`${ctx.id}/pay`, key));
    return { approved: d.approved, by: d.by };
  },
});

const counter = defineAgent({
  name: 'counter',
  durable: true,
  skills: ['count'],
  state: { n: 0, reminders: 0 },
  handlers: {
    async onMessage(ctx, m) {
      const t = messageText(m);
      if (t === 'get') return String(ctx.state.n);
      if (t === 'nap') {
        const t0 = await ctx.run('t0', () => Date.now());
        await ctx.sleep(300);
        const t1 = await ctx.run('t1', () => Date.now());
        return String(t1 - t0);
      }
      if (t === 'remind') {
        await ctx.schedule(200, 'onReminder', 'tick');
        return 'scheduled';
      }
      ctx.state.n += 1;
      return String(ctx.state.n);
    },
    async onReminder(ctx) {
      ctx.state.reminders += 1;
    },
    async reminders(ctx) {
      return String(ctx.state.reminders);
    },
  },
});

const noModels: AgentModelClient = {
  chat: () => Promise.reject(new Error('these agents make no model calls')),
};

let runtime: AgentRuntime;
let store: Store;
let approvals: ApprovalService;

beforeAll(async () => {
  store = await openStore({ dataDir: dir });
  await store.migrate();
  const spec = loadDefaultSpec().spec;
  approvals = new ApprovalService({ store, spec });
  runtime = new AgentRuntime({ spec, dataDir: dir, models: noModels, approvals });
  await runtime.register(counter, pipeline, saga, approvalFlow);
  await runtime.start(); // spawns restate-server; throws (failing every test) when it cannot
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await store?.close();
  db.close();
});

const say = (t: string) => textMessage(t);
const rows = (sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as { step: string; n: number }[];

describe('durable runtime on restate-server', () => {
  it('started restate-server with data under <dataDir>/restate', () => {
    expect(runtime.restateServer?.pid).toBeGreaterThan(0);
    expect(runtime.restateUrls?.ingress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('a workflow finishes exactly once after kill -9 of restate-server mid-run', async () => {
    const server = runtime.restateServer!;
    const t0 = Date.now();
    await runtime.startWorkflow('pipeline', 'order-1', { pauseMs: 300 });
    while (rows('SELECT step, COUNT(*) AS n FROM effects WHERE key LIKE ? GROUP BY step', 'order-1:%').length < 2) await new Promise((r) => setTimeout(r, 20));
    const before = rows('SELECT step, COUNT(*) AS n FROM effects WHERE key LIKE ? GROUP BY step', 'order-1:%').map((r) => r.step);
    const pid = server.pid;
    await server.kill('SIGKILL');
    const killedAt = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 500));
    await server.start();
    const restartedAt = Date.now() - t0;
    const result = await runtime.workflowResult<{ done: string[]; fan: string[] }>('pipeline', 'order-1', { deadlineMs: Date.now() + 60_000 });
    const effects = rows('SELECT step, COUNT(*) AS n FROM effects WHERE key LIKE ? GROUP BY step ORDER BY step', 'order-1:%');
    const attempts = rows('SELECT step, COUNT(*) AS n FROM attempts WHERE step IN (SELECT step FROM effects WHERE key LIKE ?) GROUP BY step ORDER BY step', 'order-1:%');
    const observations = {
      killed_pid: pid, killed_at_ms: killedAt, steps_done_before_kill: before, restarted_at_ms: restartedAt, new_pid: server.pid,
      finished_at_ms: Date.now() - t0, result,
      effects_per_step: Object.fromEntries(effects.map((r) => [r.step, r.n])),
      executions_per_step: Object.fromEntries(attempts.map((r) => [r.step, r.n])),
    };
    console.log(`workflow crash test: ${JSON.stringify(observations)}`);
    expect(result.done).toEqual(STEPS);
    expect(result.fan).toEqual(['fan-a', 'fan-b', 'fan-c']);
    expect(effects).toHaveLength(STEPS.length + 3);
    for (const r of effects) expect(r.n).toBe(1);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(STEPS.length);
  }, 90_000);

  it('durable state survives a restart of restate-server', async () => {
    for (let i = 0; i < 3; i++) await runtime.invoke('counter', 'c1', say('inc'));
    expect(messageText(await runtime.invoke('counter', 'c1', say('get')))).toBe('3');
    await runtime.restateServer!.kill('SIGKILL');
    await runtime.restateServer!.start();
    expect(messageText(await runtime.invoke('counter', 'c1', say('inc'), { idempotencyKey: 'c1-inc-4' }))).toBe('4');
    expect(messageText(await runtime.invoke('counter', 'c2', say('inc')))).toBe('1');
  }, 60_000);

  it('timers and reminders fire', async () => {
    const slept = Number(messageText(await runtime.invoke('counter', 't1', say('nap'))));
    expect(slept).toBeGreaterThanOrEqual(280);
    expect(messageText(await runtime.invoke('counter', 't1', say('remind')))).toBe('scheduled');
    expect(messageText(await runtime.invokeHandler('counter', 't1', 'reminders', say('?')))).toBe('0');
    const deadline = Date.now() + 10_000;
    let n = '0';
    while (n === '0' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      n = messageText(await runtime.invokeHandler('counter', 't1', 'reminders', say('?')));
    }
    expect(n).toBe('1');
  }, 30_000);

  it('a human step waits for the approval and resumes when it is decided', async () => {
    await runtime.startWorkflow('expense', 'exp-1', { amount: 250 });
    let pending = [] as Awaited<ReturnType<ApprovalService['list']>>;
    const deadline = Date.now() + 10_000;
    while (!pending.length && Date.now() < deadline) {
      pending = (await approvals.list({ status: 'pending', agent: 'expense' })).filter((a) => a.subject.session === 'exp-1');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(pending).toHaveLength(1);
    expect(pending[0]!.reason).toBe('expense over 100 USD');
    expect(rows('SELECT step, COUNT(*) AS n FROM effects WHERE step = ?', 'exp-1/pay')[0]!.n).toBe(0);
    await approvals.decide(pending[0]!.id, { decision: 'approve', approver: { name: 'maria', keyId: 'admin' } });
    const out = await runtime.workflowResult<{ approved: boolean; by: string }>('expense', 'exp-1', { deadlineMs: Date.now() + 20_000 });
    expect(out).toEqual({ approved: true, by: 'maria' });
    expect(rows('SELECT step, COUNT(*) AS n FROM effects WHERE step = ?', 'exp-1/pay')[0]!.n).toBe(1);
  }, 30_000);

  it('a step that fails for good runs the compensations of earlier steps in reverse', async () => {
    await runtime.startWorkflow('saga', 'trip-1', { failAt: 'book-car' });
    await expect(runtime.workflowResult('saga', 'trip-1', { deadlineMs: Date.now() + 20_000 })).rejects.toThrow(/sold out/);
    const order = (db.prepare('SELECT step FROM effects WHERE step LIKE ? ORDER BY rowid').all('trip-1/%') as { step: string }[]).map((r) => r.step);
    expect(order).toEqual(['trip-1/book-hotel', 'trip-1/book-flight', 'trip-1/undo-book-flight', 'trip-1/undo-book-hotel']);
  }, 30_000);
});
