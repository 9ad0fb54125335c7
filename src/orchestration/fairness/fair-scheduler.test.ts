/**
 * Fair admission of concurrent model calls: agents in an `AgentPool` call a sim model through the
 * real gateway; the provider takes 2 calls at a time. A greedy agent queues 60 calls, then two
 * modest agents 5 each. With the fair scheduler the modest agents are served within a few calls
 * (Jain's index ~1 on both resources while the greedy backlog is still there); in arrival order
 * (the baseline) they wait behind all 60 greedy calls. A token quota is shared the same way.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAgent, textMessage } from '../../runtime/define-agent.js';
import { GatewayModelClient } from '../../runtime/model-client.js';
import { createServices, type Services } from '../../server/services.js';
import { parseSpecText } from '../../spec/loader.js';
import { AgentPool } from '../agent-pool.js';
import { SimClock } from '../clock.js';
import { FairModelClient } from './fair-model-client.js';
import { FairScheduler, type FairSchedulerStats } from './fair-scheduler.js';

const SPEC = `
server: { dev_key: false }
providers: { gpu: { kind: sim, ttft_ms: 5, tokens_per_second: 0 } }
models: { local-llm: { provider: gpu } }
`;

let services: Services;
beforeAll(async () => {
  services = await createServices({ spec: parseSpecText(SPEC, 'test.yaml', {}), dataDir: mkdtempSync(join(tmpdir(), 'daca-fair-')), devKey: false, logger: pino({ level: 'silent' }) });
}, 30_000);
afterAll(() => services?.close());

/** Runs the greedy/modest scenario under `order`; returns the completion order and the figures when 30 calls were done. */
async function contend(order: 'fair' | 'fifo'): Promise<{ done: string[]; at30: FairSchedulerStats; final: FairSchedulerStats }> {
  const scheduler = new FairScheduler({ concurrency: 2, order });
  const pool = new AgentPool({ models: new FairModelClient(new GatewayModelClient(services.gateway), (m) => (m === 'local-llm' ? scheduler : undefined)) });
  const done: string[] = [];
  let at30: FairSchedulerStats | null = null;
  pool.register(defineAgent({
    name: 'caller',
    handlers: {
      async onMessage(ctx, m) {
        const n = Number((m.parts[0] as { text: string }).text);
        await Promise.all(Array.from({ length: n }, async (_, i) => {
          await ctx.model.chat({ model: 'local-llm', messages: [{ role: 'user', content: `call ${i} of ${ctx.id}` }], max_tokens: 16 });
          done.push(ctx.id);
          if (done.length === 30) at30 = scheduler.stats();
        }));
      },
    },
  }));
  const greedy = pool.invoke('caller', 'greedy', textMessage('60'));
  while ((scheduler.stats().waiting['caller-greedy'] ?? 0) < 50) await new Promise((r) => setTimeout(r, 1));
  await Promise.all([greedy, pool.invoke('caller', 'modest-a', textMessage('5')), pool.invoke('caller', 'modest-b', textMessage('5'))]);
  return { done, at30: at30!, final: scheduler.stats() };
}

const lastOf = (done: string[], who: string): number => done.lastIndexOf(who) + 1;

describe('FairScheduler', () => {
  it('keeps a greedy agent from starving the others when the provider takes 2 calls at a time', async () => {
    const fair = await contend('fair');
    const fifo = await contend('fifo');
    console.log(`fair: modest served by call ${Math.max(lastOf(fair.done, 'modest-a'), lastOf(fair.done, 'modest-b'))} of 70, jain@30 ${JSON.stringify({ slots: fair.at30.resources.concurrency.jain, tokens: fair.at30.resources.tokens.jain })}, max wait ${JSON.stringify(fair.final.maxWaitMs)}`);
    console.log(`fifo: modest served by call ${Math.max(lastOf(fifo.done, 'modest-a'), lastOf(fifo.done, 'modest-b'))} of 70, jain@30 ${JSON.stringify({ slots: fifo.at30.resources.concurrency.jain, tokens: fifo.at30.resources.tokens.jain })}`);
    for (const r of [fair, fifo]) {
      expect(r.done).toHaveLength(70);
      expect(r.final.admitted).toEqual({ 'caller-greedy': 60, 'caller-modest-a': 5, 'caller-modest-b': 5 });
      expect(r.final.inFlight).toBe(0);
    }
    // Fair: both modest agents are done while most of the greedy backlog still waits.
    expect(lastOf(fair.done, 'modest-a')).toBeLessThan(35);
    expect(lastOf(fair.done, 'modest-b')).toBeLessThan(35);
    expect(fair.at30.resources.concurrency.jain).toBeGreaterThanOrEqual(0.9);
    expect(fair.at30.resources.tokens.jain).toBeGreaterThanOrEqual(0.9);
    // Arrival order: they wait behind every greedy call, and the index shows it.
    expect(Math.min(fifo.done.indexOf('modest-a'), fifo.done.indexOf('modest-b'))).toBeGreaterThanOrEqual(55);
    expect(fifo.at30.resources.concurrency.jain).toBeLessThan(0.5);
  }, 60_000);

  it('shares a token quota: big and small callers each get their turn, the quota is never exceeded', async () => {
    const clock = new SimClock(0);
    const s = new FairScheduler({ concurrency: 10, tokensPerMinute: 6_000, clock });
    const admittedAt: { agent: string; at: number; tokens: number }[] = [];
    const call = (agent: string, tokens: number) =>
      void s.acquire(agent, tokens).then((l) => {
        admittedAt.push({ agent, at: clock.now(), tokens });
        clock.setTimer(100, () => l.release(tokens));
      });
    for (let i = 0; i < 30; i++) call('big', 1_000);
    for (let i = 0; i < 6; i++) call('small', 500);
    // Waiting for admission is not tracked work (the clock must move for the quota to refill).
    for (let i = 0; i < 1000 && admittedAt.length < 36; i++) {
      await clock.run();
      await new Promise((r) => setImmediate(r));
    }
    expect(admittedAt).toHaveLength(36);
    // Never more than the quota (plus the initial full bucket) within any minute.
    for (const a of admittedAt) {
      const minute = admittedAt.filter((b) => b.at > a.at - 60_000 && b.at <= a.at).reduce((x, b) => x + b.tokens, 0);
      expect(minute).toBeLessThanOrEqual(12_000);
    }
    // The small caller is done long before the big one's backlog drains.
    const lastSmall = Math.max(...admittedAt.filter((a) => a.agent === 'small').map((a) => a.at));
    const lastBig = Math.max(...admittedAt.filter((a) => a.agent === 'big').map((a) => a.at));
    expect(lastSmall).toBeLessThan(lastBig / 2);
    expect(s.stats().resources.tokens.served).toEqual({ big: 30_000, small: 3_000 });
  });
});
