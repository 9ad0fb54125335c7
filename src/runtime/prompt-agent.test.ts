import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_YAML } from '../spec/default-spec.js';
import { startTestDaca } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { defineAgent, messageText } from './define-agent.js';

describe('prompt agents on the fast path (embedded default spec)', () => {
  let daca: RunningDaca;
  beforeAll(async () => {
    daca = await startTestDaca(DEFAULT_SPEC_YAML);
  });
  afterAll(async () => {
    await daca?.close();
  });

  it('hosts the assistant without starting Restate', () => {
    const rt = daca.services.runtime;
    expect(rt.list().map((a) => [a.name, a.kind, a.durable])).toEqual([['assistant', 'prompt', false]]);
    expect(rt.restateUrls).toBeNull();
  });

  it('answers through the gateway with usage attributed to agent assistant', async () => {
    const reply = await daca.services.runtime.invoke('assistant', undefined, { role: 'user', parts: [{ kind: 'text', text: 'Say hello in five words.' }] }, { caller: 'test' });
    expect(reply.state).toBe('completed');
    expect(messageText(reply).length).toBeGreaterThan(1);
    expect(reply.usage?.modelCalls).toBe(1);
    expect(reply.usage!.costMicros).toBeGreaterThan(0);
    await daca.services.recorder.flush();
    const rows = await daca.services.store.usage.list({ agent: 'assistant' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ agent: 'assistant', team: 'default', tenant: 'default', status: 200 });
    expect(rows[0]!.costMicros).toBe(reply.usage!.costMicros);
  });

  it('code agents keep turn-based state in-process, call other agents and schedule reminders', async () => {
    const rt = daca.services.runtime;
    const seen: string[] = [];
    await rt.register(
      defineAgent({
        name: 'tally',
        skills: ['count'],
        state: { n: 0, reminded: false as boolean },
        handlers: {
          async onMessage(ctx) {
            ctx.state.n += 1;
            if (ctx.state.n === 1) await ctx.schedule(30, 'remind', 'ping');
            const a = await ctx.callAgent('assistant', undefined, 'Say hi.');
            return `${ctx.state.n}:${a.state}`;
          },
          async remind(ctx, m) {
            ctx.state.reminded = true;
            seen.push(`${ctx.id}:${messageText(m)}`);
          },
        },
      }),
    );
    const msg = { role: 'user' as const, parts: [{ kind: 'text' as const, text: 'x' }] };
    const r = await Promise.all([rt.invoke('tally', 'a', msg), rt.invoke('tally', 'a', msg), rt.invoke('tally', 'b', msg)]);
    expect(r.map(messageText)).toEqual(['1:completed', '2:completed', '1:completed']);
    await new Promise((res) => setTimeout(res, 120));
    expect(seen.sort()).toEqual(['a:ping', 'b:ping']);
    await expect(rt.invoke('nobody', undefined, msg)).rejects.toThrow(/no agent 'nobody'/);
  });
});
