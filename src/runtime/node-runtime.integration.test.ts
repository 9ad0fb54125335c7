/**
 * `daca up` with a durable prompt agent in the spec: the node spawns restate-server, registers its
 * endpoint, the agent answers through the gateway (metered to it, session = instance id) and keeps
 * its conversation; closing the node stops restate-server. Fails when restate-server cannot start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_YAML } from '../spec/default-spec.js';
import { startTestDaca } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { messageText, textMessage } from './define-agent.js';

const SPEC = DEFAULT_SPEC_YAML.replace(
  'agents:\n',
  `agents:
  concierge:
    team: default
    durable: true
    prompt: { model: small, system: You are a hotel concierge. }
`,
);

describe('a durable prompt agent on the node runtime', () => {
  let daca: RunningDaca;
  beforeAll(async () => {
    daca = await startTestDaca(SPEC);
  }, 60_000);
  afterAll(async () => {
    await daca?.close();
  });

  it('spawns restate-server only because the spec declares a durable agent', () => {
    const rt = daca.services.runtime;
    expect(rt.restateServer?.pid).toBeGreaterThan(0);
    expect(rt.list().find((a) => a.name === 'concierge')).toMatchObject({ kind: 'prompt', durable: true });
  });

  it('answers durably through the gateway and remembers the conversation', async () => {
    const rt = daca.services.runtime;
    const a = await rt.invoke('concierge', 'guest-7', textMessage('Where is breakfast served?'));
    const b = await rt.invoke('concierge', 'guest-7', textMessage('And until when?'));
    expect([a.state, b.state]).toEqual(['completed', 'completed']);
    expect(messageText(b).length).toBeGreaterThan(0);
    await daca.services.recorder.flush();
    const rows = await daca.services.store.usage.list({ agent: 'concierge', session: 'guest-7' });
    expect(rows).toHaveLength(2);
    // the second call carried the first exchange: more prompt tokens
    const byTime = [...rows].sort((x, y) => x.ts - y.ts);
    expect(byTime[1]!.inputTokens).toBeGreaterThan(byTime[0]!.inputTokens);
  }, 30_000);

  it('runs a changed durable agent with its new prompt, keeping its state; a removed one stops answering', async () => {
    const rt = daca.services.runtime;
    const spec = daca.services.spec.spec;
    const concierge = spec.agents.concierge!;
    const changed = { ...spec, agents: { ...spec.agents, concierge: { ...concierge, prompt: { ...concierge.prompt!, system: 'You are a hotel concierge. [sim:answer=croissant]' } } } };
    expect(await rt.applySpec(changed)).toEqual({ added: [], changed: ['concierge'], removed: [] });
    const c = await rt.invoke('concierge', 'guest-7', textMessage('What is for breakfast?'));
    expect(messageText(c)).toContain('croissant');
    await daca.services.recorder.flush();
    const rows = [...(await daca.services.store.usage.list({ agent: 'concierge', session: 'guest-7' }))].sort((x, y) => x.ts - y.ts);
    expect(rows).toHaveLength(3);
    expect(rows[2]!.inputTokens).toBeGreaterThan(rows[1]!.inputTokens); // the conversation so far came along
    const { concierge: _gone, ...rest } = changed.agents;
    expect(await rt.applySpec({ ...changed, agents: rest })).toEqual({ added: [], changed: [], removed: ['concierge'] });
    await expect(rt.invoke('concierge', 'guest-7', textMessage('Hello?'))).rejects.toThrow(/no agent 'concierge'/);
    expect(rt.list().map((a) => a.name)).not.toContain('concierge');
  }, 60_000);

  it('stops restate-server when the node closes', async () => {
    const pid = daca.services.runtime.restateServer!.pid!;
    await daca.close();
    expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});
