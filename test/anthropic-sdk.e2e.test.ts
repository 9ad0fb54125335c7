/**
 * The official `@anthropic-ai/sdk` client against a running `daca up` (sim provider behind it):
 * the Messages API, its streaming event sequence, tool use and error classes.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, startDacaProcess, type DacaProcess } from './support/daca-process.js';

let daca: DacaProcess;
let client: Anthropic;

beforeAll(async () => {
  daca = await startDacaProcess();
  const { key } = await createKey(daca.url, daca.adminKey, { agent: 'claude-agent', team: 'qa', tenant: 'acme' });
  client = new Anthropic({ baseURL: daca.url, apiKey: key, maxRetries: 0 });
});
afterAll(async () => {
  await daca?.stop();
});

const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Say hello to the team in five words.' }];

describe('anthropic SDK through daca', () => {
  it('creates a message with usage', async () => {
    const r = await client.messages.create({ model: 'small', max_tokens: 64, system: 'You are terse.', messages });
    expect(r.type).toBe('message');
    expect(r.role).toBe('assistant');
    expect(r.model).toBe('small');
    expect(r.content[0]!.type).toBe('text');
    expect((r.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0);
    expect(r.stop_reason).toBe('end_turn');
    expect(r.usage.input_tokens).toBeGreaterThan(5);
    expect(r.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams the Anthropic event sequence and the same text', async () => {
    const plain = await client.messages.create({ model: 'small', max_tokens: 64, messages });
    const events: string[] = [];
    const stream = client.messages.stream({ model: 'small', max_tokens: 64, messages });
    let text = '';
    stream.on('streamEvent', (e) => events.push(e.type));
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe((plain.content[0] as Anthropic.TextBlock).text);
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_start');
    expect(events).toContain('content_block_delta');
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('stops at max_tokens', async () => {
    const r = await client.messages.create({ model: 'small', max_tokens: 3, messages: [{ role: 'user', content: 'Tell me a very long story about the sea.' }] });
    expect(r.stop_reason).toBe('max_tokens');
    expect(r.usage.output_tokens).toBeLessThanOrEqual(3);
  });

  it('returns tool_use blocks, streamed and not, and accepts tool results', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Get the weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const ask: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const r = await client.messages.create({ model: 'large', max_tokens: 128, tools, tool_choice: { type: 'any' }, messages: ask });
    expect(r.stop_reason).toBe('tool_use');
    const use = r.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(use.name).toBe('get_weather');
    expect(typeof (use.input as { city: unknown }).city).toBe('string');

    const streamed = await client.messages.stream({ model: 'large', max_tokens: 128, tools, tool_choice: { type: 'any' }, messages: ask }).finalMessage();
    const sUse = streamed.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(sUse.input).toEqual(use.input);

    const followUp = await client.messages.create({
      model: 'large',
      max_tokens: 64,
      tools,
      messages: [...ask, { role: 'assistant', content: r.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 21°C' }] }],
    });
    expect(followUp.content.length).toBeGreaterThan(0);
  });

  it('raises the right error classes with Anthropic error bodies', async () => {
    const bad = new Anthropic({ baseURL: daca.url, apiKey: 'sk-wrong-0000000000000000', maxRetries: 0 });
    const e401 = await bad.messages.create({ model: 'small', max_tokens: 16, messages }).catch((e: unknown) => e);
    expect(e401).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((e401 as { error: { type: string; error: { type: string } } }).error.error.type).toBe('authentication_error');

    const e404 = await client.messages.create({ model: 'nope', max_tokens: 16, messages }).catch((e: unknown) => e);
    expect(e404).toBeInstanceOf(Anthropic.NotFoundError);
    expect((e404 as { error: { error: { type: string } } }).error.error.type).toBe('not_found_error');

    const e400 = await client.messages.create({ model: 'small', messages } as never).catch((e: unknown) => e);
    expect(e400).toBeInstanceOf(Anthropic.BadRequestError);
    expect((e400 as Error).message).toMatch(/max_tokens/);

    const e502 = await client.messages.create({ model: 'small', max_tokens: 16, messages: [{ role: 'user', content: 'hi [sim:fail=500]' }] }).catch((e: unknown) => e);
    expect(e502).toBeInstanceOf(Anthropic.InternalServerError);
    expect((e502 as { status: number }).status).toBe(502);
  });

  it('attributes the calls to the key\'s agent', async () => {
    const q = await fetch(`${daca.url}/api/usage?group_by=agent,team,tenant`, { headers: { authorization: `Bearer ${daca.adminKey}` } });
    const body = (await q.json()) as { groups: { agent: string; team: string; tenant: string; requests: number; cost_usd: number }[] };
    const g = body.groups.find((x) => x.agent === 'claude-agent')!;
    expect(g).toMatchObject({ team: 'qa', tenant: 'acme' });
    expect(g.requests).toBeGreaterThanOrEqual(7);
    expect(g.cost_usd).toBeGreaterThan(0);
  });
});
