/**
 * `message/stream` to a remote agent through the mesh is relayed as the agent streams: the test's
 * external agent holds its answer until the caller has received the first event through daca (a
 * mesh that buffered the stream would never deliver it, and the gate would open only by timeout).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '@a2a-js/sdk';
import type { RunningDaca } from '../server/serve.js';
import { startTestDaca, TEST_ADMIN_KEY, post } from '../../test/support/in-process-daca.js';
import { startSimAgent, type RunningSimAgent } from './sim/sim-agent.js';
import { a2aClientFactory, externalAgentsSpec } from './testing/a2a-test-client.js';

let daca: RunningDaca;
let narrator: RunningSimAgent;
let key: string;
let open: () => void = () => {};
let openedBy: 'caller' | 'timeout' | null = null;

beforeAll(async () => {
  narrator = await startSimAgent({
    name: 'narrator',
    skills: [{ id: 'narrate', name: 'Narrate', description: 'Tell a story' }],
    beforeAnswer: () =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          openedBy ??= 'timeout';
          resolve();
        }, 10_000);
        open = () => {
          clearTimeout(t);
          openedBy ??= 'caller';
          resolve();
        };
      }),
  });
  daca = await startTestDaca(externalAgentsSpec({ narrator: narrator.url }));
  key = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'reader', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
});
afterAll(async () => {
  await daca?.close();
  await narrator?.close();
});

describe('message/stream to a remote agent through the mesh', () => {
  it('reaches the official A2A client event by event, not at the end', async () => {
    const c = await a2aClientFactory(key).createFromUrl(daca.url, '/a2a/narrator/.well-known/agent-card.json');
    const events: { kind: string; state?: number; text?: string }[] = [];
    const message = Message.fromJSON({ messageId: `s-${Date.now()}`, role: 'ROLE_USER', parts: [{ text: 'once upon a time' }] });
    for await (const ev of c.sendMessageStream({ message, tenant: '', configuration: undefined, metadata: undefined })) {
      const p = (ev as { payload?: { $case?: string; value?: { status?: { state?: number; message?: { parts?: { content?: { value?: unknown } }[] } } } } }).payload;
      events.push({ kind: p?.$case ?? '?', state: p?.value?.status?.state, text: String(p?.value?.status?.message?.parts?.[0]?.content?.value ?? '') });
      open(); // the first event came through daca while the agent still holds its answer
    }
    expect(openedBy).toBe('caller');
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ kind: 'task', state: 2 }); // working
    expect(events.at(-1)).toMatchObject({ state: 3, text: 'narrator: once upon a time' }); // completed
    expect(narrator.answered()).toBe(1);
  }, 20_000);
});
