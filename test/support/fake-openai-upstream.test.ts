import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from './fake-openai-upstream.js';

// The official SDK is the judge of faithfulness: if it parses the fake, so will real clients.
let up: FakeOpenAIUpstream;
let client: OpenAI;

beforeAll(async () => {
  up = await startFakeOpenAIUpstream({ reply: 'Hello there, friend.', cachedTokens: 3 });
  client = new OpenAI({ baseURL: `${up.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
});
afterAll(() => up.close());
beforeEach(() => up.setMode({ kind: 'ok' }));

const messages = [{ role: 'user' as const, content: 'Say hello' }];

describe('fake OpenAI upstream, read by the official SDK', () => {
  it('answers a chat completion', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]!.message.content).toBe('Hello there, friend.');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    expect(r.usage!.prompt_tokens_details!.cached_tokens).toBe(3);
    expect(up.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams word chunks, a usage chunk and [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const c of stream) {
      if (c.choices[0]?.delta.content) deltas.push(c.choices[0].delta.content);
      if (c.choices[0]?.finish_reason) finish = c.choices[0].finish_reason;
      if (c.usage) usage = c.usage;
    }
    expect(deltas).toEqual(['Hello', ' there,', ' friend.']);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBe(3);
  });

  it('omits the usage chunk unless include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let sawUsage = false;
    for await (const c of stream) if (c.usage) sawUsage = true;
    expect(sawUsage).toBe(false);
  });

  it('streams tool calls in fragments that the SDK reassembles', async () => {
    up.setMode({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }, { name: 'now', arguments: '{}' }] });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages, tools });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(calls.map((c) => c.type === 'function' && [c.function.name, c.function.arguments])).toEqual([
      ['get_weather', '{"city":"Paris","unit":"celsius"}'],
      ['now', '{}'],
    ]);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    expect(plain.choices[0]!.message.tool_calls![0]!.id).toMatch(/^call_/);
  });

  it('returns OpenAI error bodies the SDK maps to its error classes', async () => {
    up.setMode({ kind: 'error', status: 404 });
    const e404 = await client.chat.completions.create({ model: 'gpt-9', messages }).catch((e: unknown) => e);
    expect(e404).toBeInstanceOf(OpenAI.NotFoundError);
    expect((e404 as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((e404 as Error).message).toContain('gpt-9');

    up.setMode({ kind: 'rate_limit', retryAfter: 7 });
    const e429 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e429 as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');

    up.setMode({ kind: 'error', status: 500 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('applies queued one-shot modes before the default', async () => {
    up.queue({ kind: 'error', status: 503 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.APIError);
    const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(ok.choices[0]!.message.content).toBe('Hello there, friend.');
  });

  it('serves embeddings (the SDK asks for base64 and decodes) and models', async () => {
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 4 });
    expect(e.data).toHaveLength(2);
    expect(e.data[0]!.embedding).toHaveLength(4);
    expect(e.data[0]!.embedding).not.toEqual(e.data[1]!.embedding);
    const again = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a', dimensions: 4, encoding_format: 'float' });
    expect(again.data[0]!.embedding).toEqual(e.data[0]!.embedding);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
  });

  it('records a client that walks away from a hanging request', async () => {
    up.setMode({ kind: 'hang' });
    const before = up.disconnects;
    const ac = new AbortController();
    const p = client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await up.waitForDisconnects(before + 1);
  });

  it('breaks a stream with malformed JSON or a cut connection', async () => {
    up.setMode({ kind: 'malformed', afterChunks: 2 });
    const consume = async (): Promise<void> => {
      const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      for await (const c of s) void c;
    };
    await expect(consume()).rejects.toThrow();
    up.setMode({ kind: 'close_mid_stream', afterChunks: 2 });
    await expect(consume()).rejects.toThrow();
  });
});
