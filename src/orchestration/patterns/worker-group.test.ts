import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca } from '../../../test/support/in-process-daca.js';
import { until } from '../../bus/bus-suite.js';
import { MemoryBus } from '../../bus/memory/memory-bus.js';
import { defineAgent } from '../../runtime/define-agent.js';
import { GatewayModelClient } from '../../runtime/model-client.js';
import type { RunningDaca } from '../../server/serve.js';
import { AgentPool } from '../agent-pool.js';
import { WorkerGroup } from './worker-group.js';

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(`
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, price: { input: 1, output: 1 } } }
tenants: { acme: {} }
teams: { render: { tenant: acme } }
`);
});
afterAll(() => daca.close());

describe('WorkerGroup', () => {
  it('spawns workers on queue depth, inherits the group team, shrinks to min, and drains', async () => {
    const bus = new MemoryBus();
    const pool = new AgentPool({ models: new GatewayModelClient(daca.services.gateway) });
    const worker = defineAgent({
      name: 'renderer',
      model: 'small',
      state: { jobs: 0 },
      handlers: {
        async onMessage(ctx) {
          ctx.state.jobs++;
          await new Promise((r) => setTimeout(r, 10));
          if (ctx.state.jobs === 1) await ctx.model.chat({ messages: [{ role: 'user', content: 'frame [sim:tokens=4]' }], max_tokens: 8 });
        },
      },
    });
    const g = await WorkerGroup.start({ bus, pool, worker, subject: 'jobs.render', min: 1, max: 8, backlogPerWorker: 2, tenant: 'acme', team: 'render' });
    expect(g.stats().workers).toBe(1);
    for (let i = 0; i < 60; i++) await bus.publish('jobs.render', { frame: i });
    await until(() => g.stats().done === 60, 10_000, 'all jobs');
    const s = g.stats();
    expect(s.peak).toBe(8);
    expect(s.spawned).toBe(8);
    expect(g.shrink()).toBe(7);
    expect(g.stats().workers).toBe(1);
    await daca.services.recorder.flush();
    const u = await daca.services.store.usage.query({ groupBy: ['team', 'agent'], tenant: 'acme' });
    expect(u.groups.length).toBe(8);
    expect(u.groups.every((x) => x.key.team === 'render')).toBe(true);
    for (let i = 0; i < 5; i++) await bus.publish('jobs.render', { frame: 100 + i });
    await g.drain();
    expect(g.stats().done).toBe(65);
    expect(pool.live()).toBe(0);
    await bus.close();
  });
});
