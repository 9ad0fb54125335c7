import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { defineAgent, messageText, textMessage } from '../runtime/define-agent.js';
import { GatewayModelClient } from '../runtime/model-client.js';
import { AgentPool, MemoryStateStore } from './agent-pool.js';
import { SimClock } from './clock.js';
import { WaitForGraph } from './safety/wait-for-graph.js';

const counter = defineAgent({
  name: 'counter',
  state: { n: 0, activations: [] as string[] },
  handlers: {
    async onActivate(ctx, m) {
      ctx.state.activations.push(String(m.parts[0]?.kind === 'data' ? m.parts[0].data.reason : '?'));
    },
    async onMessage(ctx, m) {
      if (messageText(m) === 'slow') await new Promise((r) => setTimeout(r, 20));
      ctx.state.n += 1;
      return `${ctx.id}:${ctx.state.n}`;
    },
  },
});

describe('AgentPool lifecycle', () => {
  it('spawns an instance on its first message and runs its turns one at a time', async () => {
    const pool = new AgentPool();
    pool.register(counter);
    const replies = await Promise.all(['slow', 'x', 'slow', 'x'].map((t) => pool.invoke('counter', 'a', textMessage(t))));
    expect(replies.map((r) => messageText(r))).toEqual(['a:1', 'a:2', 'a:3', 'a:4']);
    expect(pool.live('counter')).toBe(1);
    expect(pool.stateOf('counter', 'a')).toEqual({ n: 4, activations: ['spawn'] });
    expect((await pool.invoke('nobody', 'x', textMessage('hi'))).error?.code).toBe('not_found');
  });

  it('reaps idle instances, keeps their state, and reactivates them on the next message', async () => {
    const clock = new SimClock(0);
    const states = new MemoryStateStore();
    const pool = new AgentPool({ clock, states });
    pool.register(counter, { idleMs: 60_000 });
    clock.setTimer(0, () => pool.invoke('counter', 'a', textMessage('x')));
    clock.setTimer(0, () => pool.invoke('counter', 'b', textMessage('x')));
    clock.setTimer(50_000, () => pool.invoke('counter', 'b', textMessage('x')));
    await clock.run(100_000);
    expect(pool.live('counter')).toBe(1); // a was idle for 60 s; b was busy at 50 s
    expect(states.get('counter:a')).toEqual({ n: 1, activations: ['spawn'] });
    clock.setTimer(0, () => pool.invoke('counter', 'a', textMessage('x')));
    await clock.run(100_001);
    expect(pool.stateOf('counter', 'a')).toEqual({ n: 2, activations: ['spawn', 'reactivate'] });
  });

  it('keeps at most `max` live instances per type, passivating the least recently used', async () => {
    const pool = new AgentPool();
    pool.register(counter, { max: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await pool.invoke('counter', id, textMessage('x'));
    expect(pool.live('counter')).toBe(3);
    expect(messageText(await pool.invoke('counter', 'a', textMessage('x')))).toBe('a:2');
    expect(pool.stats().counter!.passivations).toBeGreaterThanOrEqual(2);
  });

  it('a killed instance loses its unsaved state and queued messages, and restarts on the next message', async () => {
    const pool = new AgentPool();
    pool.register(counter);
    await pool.invoke('counter', 'k', textMessage('x'));
    const slow = pool.invoke('counter', 'k', textMessage('slow'));
    const queued = pool.invoke('counter', 'k', textMessage('x'));
    await new Promise((r) => setTimeout(r, 5));
    expect(pool.kill('counter', 'k')).toBe(true);
    expect((await queued).error?.code).toBe('agent_killed');
    await slow; // the turn in progress finishes; its state is thrown away
    expect(messageText(await pool.invoke('counter', 'k', textMessage('x')))).toBe('k:1');
    expect(pool.stateOf('counter', 'k')).toEqual({ n: 1, activations: ['restart'] });
  });

  it('drains gracefully: handles what is queued, refuses new work, keeps state', async () => {
    const states = new MemoryStateStore();
    const pool = new AgentPool({ states });
    pool.register(counter);
    const pending = [1, 2, 3].map(() => pool.invoke('counter', 'd', textMessage('slow')));
    const drained = pool.drain();
    expect((await pool.invoke('counter', 'e', textMessage('x'))).error?.code).toBe('draining');
    await drained;
    expect((await Promise.all(pending)).map((r) => r.state)).toEqual(['completed', 'completed', 'completed']);
    expect(pool.live()).toBe(0);
    expect(states.get('counter:d')).toEqual({ n: 3, activations: ['spawn'] });
  });
});

describe('AgentPool deadlocks', () => {
  // Two agents that each call the other inside their turn: a real deadlock (each mailbox is
  // blocked by the turn waiting for the other). The order is made explicit, not left to timers:
  // both turns start, then a calls b, then (a few ms later, so its wait is younger) b calls a.
  const waits = new WaitForGraph();
  const inTurn = new Set<string>();
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) await new Promise((r) => setTimeout(r, 1));
  };
  const lock = defineAgent({
    name: 'lock',
    state: { got: [] as string[] },
    handlers: {
      async onMessage(ctx, m) {
        const other = messageText(m);
        if (!other) return 'granted';
        inTurn.add(other);
        await until(() => inTurn.size === 2);
        if (other === 'a') {
          await until(() => waits.size === 1);
          await new Promise((r) => setTimeout(r, 3));
        }
        const r = await ctx.callAgent('lock', other, textMessage(''));
        ctx.state.got.push(r.state === 'completed' ? 'granted' : r.error!.code);
        return r.state === 'completed' ? 'done' : `backed off: ${r.error!.code}`;
      },
    },
  });

  it('is detected in the wait-for graph and resolved by failing the youngest call', async () => {
    const found: string[][] = [];
    const pool = new AgentPool({ waits, deadlockCheckMs: 50, onDeadlock: (d) => void found.push(d.cycle) });
    pool.register(lock);
    const a = pool.invoke('lock', 'a', textMessage('b'));
    const b = pool.invoke('lock', 'b', textMessage('a'));
    const [ra, rb] = await Promise.all([a, b]);
    expect(found).toHaveLength(1);
    expect([...found[0]!].sort()).toEqual(['lock:a', 'lock:b']);
    expect(messageText(rb)).toBe('backed off: deadlock'); // b's call was the younger wait
    expect(messageText(ra)).toBe('done');
    expect(pool.deadlocksResolved).toBe(1);
    expect(waits.size).toBe(0);
  });
});

describe('AgentPool model calls', () => {
  let daca: RunningDaca;
  beforeAll(async () => {
    daca = await startTestDaca(`
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, price: { input: 1, output: 2 } } }
tenants: { acme: {} }
teams: { ops: { tenant: acme } }
budgets:
  - { scope: agent, team: ops, limit_usd: 0.0002 }
`);
  });
  afterAll(async () => {
    await daca.close();
  });

  it('go through the gateway: metered and attributed to the instance, and budgeted per instance', async () => {
    const pool = new AgentPool({ models: new GatewayModelClient(daca.services.gateway), tenant: 'acme', team: 'ops' });
    pool.register(
      defineAgent({
        name: 'writer',
        model: 'small',
        handlers: {
          async onMessage(ctx) {
            const r = await ctx.model.chat({ messages: [{ role: 'user', content: 'Write a line. [sim:tokens=20]' }], max_tokens: 30 });
            return r.text;
          },
        },
      }),
    );
    const ok = await pool.invoke('writer', '1', textMessage('go', 'user'));
    expect(ok.error?.message ?? ok.state).toBe('completed');
    expect(ok.usage?.modelCalls).toBe(1);
    let refused = null;
    for (let i = 0; i < 20 && !refused; i++) {
      const r = await pool.invoke('writer', '2', textMessage('go'));
      if (r.state === 'failed') refused = r.error?.code;
    }
    expect(refused).toBe('budget_exceeded');
    await daca.services.recorder.flush();
    const u = await daca.services.store.usage.query({ groupBy: ['agent'], tenant: 'acme' });
    const agents = u.groups.map((g) => g.key.agent).sort();
    expect(agents).toContain('writer-1');
    expect(agents).toContain('writer-2');
  });
});
