import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_YAML } from '../spec/default-spec.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { defineAgent, messageText, textMessage } from './define-agent.js';
import { startAgentProcess } from './remote-agents.js';
import type { AgentRuntime } from './agent-runtime.js';

describe('a team agent in its own runtime, joined to daca by URL and key', () => {
  let daca: RunningDaca;
  let team: AgentRuntime;
  beforeAll(async () => {
    daca = await startTestDaca(DEFAULT_SPEC_YAML);
    const r = await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'summariser', team: 'default', tenant: 'default' });
    const { key } = (await r.json()) as { key: string };
    team = await startAgentProcess({
      dacaUrl: daca.url,
      key,
      dataDir: mkdtempSync(join(tmpdir(), 'daca-team-')),
      agents: [
        defineAgent({
          name: 'summariser',
          skills: ['summarise'],
          model: 'small',
          handlers: {
            async onMessage(ctx, m) {
              const r = await ctx.model.chat({ messages: [{ role: 'user', content: `Summarise: ${messageText(m)}` }] });
              return r.text;
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await team?.close();
    await daca?.close();
  });

  it('its model calls go through daca under its key and are metered to it', async () => {
    const reply = await team.invoke('summariser', undefined, textMessage('a long text about kettles'));
    expect(reply.error).toBeUndefined();
    expect(reply.state).toBe('completed');
    expect(messageText(reply).length).toBeGreaterThan(0);
    expect(reply.usage?.modelCalls).toBe(1);
    await daca.services.recorder.flush();
    const rows = await daca.services.store.usage.list({ agent: 'summariser' });
    expect(rows).toHaveLength(1);
    expect(team.restateUrls).toBeNull();
  });
});
