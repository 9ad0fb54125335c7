import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSSE } from '../../src/wire/sse.js';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from './fake-anthropic-upstream.js';

// The official SDK is the judge of faithfulness: its stream accumulator rejects out-of-order events.
let up: FakeAnthropicUpstream;
let client: Anthropic;

beforeAll(async () => {
  up = await startFakeAnthropicUpstream({ reply: 'Hi there, human.', apiKey: 'sk-ant-test', cacheReadTokens: 10, cacheCreationTokens: 4 });
  client = new Anthropic({ baseURL: up.url, apiKey: 'sk-ant-test', maxRetries: 0 });
});
afterAll(() => up.close());
beforeEach(() => up.setMode({ kind: 'ok' }));

const base = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hello' }] };

describe('fake Anthropic upstream, read by the official SDK', () => {
  it('answers a message with usage including prompt-cache fields', async () => {
    const m = await client.messages.create(base);
    expect(m.type).toBe('message');
    expect(m.content).toEqual([{ type: 'text', text: 'Hi there, human.' }]);
    expect(m.stop_reason).toBe('end_turn');
    expect(m.usage).toMatchObject({ cache_read_input_tokens: 10, cache_creation_input_tokens: 4 });
    expect(m._request_id).toMatch(/^req_/);
    const seen = up.requests.at(-1)!;
    expect(seen.headers['x-api-key']).toBe('sk-ant-test');
    expect(seen.headers['anthropic-version']).toBeTruthy();
  });

  it('streams the full event sequence, ping included, that the SDK accumulates', async () => {
    const stream = client.messages.stream(base);
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    const final = await stream.finalMessage();
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_delta')).toHaveLength(3);
    expect(final.content).toEqual([{ type: 'text', text: 'Hi there, human.', citations: undefined }].map(({ type, text }) => expect.objectContaining({ type, text })));
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('puts ping right after the first content_block_start on the wire, as Anthropic does', async () => {
    const res = await fetch(`${up.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...base, stream: true }),
    });
    const names: string[] = [];
    for await (const ev of parseSSE(res.body!)) {
      names.push(ev.event!);
      expect(JSON.parse(ev.data).type).toBe(ev.event);
    }
    expect(names.slice(0, 4)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
    expect(names.at(-1)).toBe('message_stop');
  });

  it('streams tool_use input as JSON fragments the SDK parses', async () => {
    up.setMode({ kind: 'tool_use', text: 'Let me check.', calls: [{ name: 'get_weather', input: { city: 'Paris', days: [1, 2] } }] });
    const tools = [{ name: 'get_weather', input_schema: { type: 'object' as const } }];
    const final = await client.messages.stream({ ...base, tools }).finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Let me check.' });
    expect(final.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } });
    const plain = await client.messages.create({ ...base, tools });
    expect(plain.content[1]).toMatchObject({ type: 'tool_use', id: expect.stringMatching(/^toolu_/) });
  });

  it('returns Anthropic error bodies the SDK maps to its error classes', async () => {
    up.setMode({ kind: 'error', status: 404 });
    const nf = await client.messages.create(base).catch((e: unknown) => e);
    expect(nf).toBeInstanceOf(Anthropic.NotFoundError);
    expect((nf as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: 'model: claude-sonnet-4-5' } });

    up.setMode({ kind: 'rate_limit', retryAfter: 3 });
    const rl = await client.messages.create(base).catch((e: unknown) => e);
    expect(rl).toBeInstanceOf(Anthropic.RateLimitError);
    expect((rl as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('3');

    up.setMode({ kind: 'error', status: 529 });
    const ov = await client.messages.create(base).catch((e: unknown) => e);
    expect(ov).toBeInstanceOf(Anthropic.APIError);
    expect((ov as InstanceType<typeof Anthropic.APIError>).status).toBe(529);

    const badKey = new Anthropic({ baseURL: up.url, apiKey: 'wrong', maxRetries: 0 });
    up.setMode({ kind: 'ok' });
    await expect(badKey.messages.create(base)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('reports a mid-stream error event through the SDK', async () => {
    up.setMode({ kind: 'stream_error', afterEvents: 4 });
    await expect(client.messages.stream(base).finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('records a client that walks away from a hanging stream', async () => {
    up.setMode({ kind: 'hang', afterEvents: 3 });
    const before = up.disconnects;
    const stream = client.messages.stream(base);
    for await (const ev of stream) if (ev.type === 'content_block_start') break;
    await up.waitForDisconnects(before + 1);
  });
});
