import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { createServices } from '../server/services.js';
import { parseSpecText } from '../spec/loader.js';
import { LiveNode } from './live-node.js';

const spec = (agents: string): string => `server: { dev_key: false }
providers: { sim: { kind: sim, ttft_ms: 0, tokens_per_second: 0 } }
models: { small: { provider: sim } }
tenants: { acme: {} }
teams: { support: { tenant: acme } }
agents:
${agents}
`;
const v1 = spec(`  helper: { team: support, prompt: { model: small, system: "[sim:answer=alpha]" }, skills: [{ id: help, description: Helps with anything }] }
  greeter: { team: support, prompt: { model: small, system: "[sim:answer=hello]" } }`);
const v2 = spec(`  helper: { team: support, prompt: { model: small, system: "[sim:answer=bravo]" }, skills: [{ id: help, description: Helps with invoices }] }
  scribe: { team: support, prompt: { model: small, system: "[sim:answer=noted]" } }`);

let live: LiveNode;
beforeAll(async () => {
  const base = await createServices({ spec: parseSpecText(v1, 'daca.yaml', {}), dataDir: mkdtempSync(join(tmpdir(), 'daca-live-agents-')), adminKey: 'test-admin-key-0123456789abcdef', devKey: false, logger: pino({ level: 'silent' }) });
  live = new LiveNode(base, { drainMs: 20 });
});
afterAll(async () => {
  await live.close();
});

const ask = async (agent: string): Promise<string> => {
  const r = await live.services.runtime.invoke(agent, undefined, { role: 'user', parts: [{ kind: 'text', text: 'hi' }] });
  return r.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
};

describe('LiveNode.apply and the runtime\'s prompt agents', () => {
  it('registers new agents, runs changed ones with their new prompt and skills, and unregisters removed ones', async () => {
    expect(await ask('helper')).toContain('alpha');
    expect(await ask('greeter')).toContain('hello');
    const r = await live.apply(parseSpecText(v2, 'daca.yaml', {}), { text: v2 });
    expect(r.swapped).toBe(true);
    expect(await ask('helper')).toContain('bravo');
    expect(await ask('helper')).not.toContain('alpha');
    expect(await ask('scribe')).toContain('noted');
    await expect(ask('greeter')).rejects.toBeInstanceOf(NotFoundError);
    const hosted = live.services.runtime.list();
    expect(hosted.map((a) => a.name).sort()).toEqual(['helper', 'scribe']);
    expect(hosted.find((a) => a.name === 'helper')!.skills[0]!.description).toBe('Helps with invoices');
  });

  it('puts a removed agent back when the spec that removed it is rolled back', async () => {
    await live.apply(parseSpecText(v1, 'daca.yaml', {}), { text: v1 });
    expect(await ask('greeter')).toContain('hello');
    expect(await ask('helper')).toContain('alpha');
    await expect(ask('scribe')).rejects.toBeInstanceOf(NotFoundError);
  });
});
