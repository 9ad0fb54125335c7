/**
 * The official `openai` SDK against a running `daca up` (embedded default spec, sim provider).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, startDacaProcess, type DacaProcess } from './support/daca-process.js';

let daca: DacaProcess;
let client: OpenAI;
let key: string;

beforeAll(async () => {
  daca = await startDacaProcess();
  key = (await createKey(daca.url, daca.adminKey, { agent: 'sdk-agent', team: 'qa', tenant: 'acme' })).key;
  client = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: key, maxRetries: 0 });
});
afterAll(async () => {
  await daca?.stop();
});

const messages = [{ role: 'user' as const, content: 'Say hello to the team in five words.' }];

describe('openai SDK through daca', () => {
  it('lists models and aliases', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['sim-small', 'sim-large', 'sim-embed', 'small', 'large', 'default']));
  });

  it('answers a chat completion with usage and daca headers', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'small', messages }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('small');
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(5);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-daca-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('x-daca-model')).toBe('sim-small');
    expect(response.headers.get('x-daca-cache')).toBe('miss');
    const cost = Number(response.headers.get('x-daca-cost-usd'));
    // sim-small is priced like gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens.
    const expected = (data.usage!.prompt_tokens * 0.15 + data.usage!.completion_tokens * 0.6) / 1e6;
    expect(cost).toBeCloseTo(expected, 6);
  });

  it('streams with include_usage, and the text equals the non-streamed answer', async () => {
    const plain = await client.chat.completions.create({ model: 'small', messages, seed: 7 });
    const stream = await client.chat.completions.create({ model: 'small', messages, seed: 7, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta.content ?? '';
      if (c.choices[0]?.finish_reason) finish = c.choices[0].finish_reason;
      if (c.usage) usage = c.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(plain.choices[0]!.message.content);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBe(plain.usage!.completion_tokens);
  });

  it('streams without a usage chunk when include_usage is not asked for', async () => {
    const stream = await client.chat.completions.create({ model: 'small', messages, stream: true });
    let sawUsage = false;
    for await (const c of stream) if (c.usage) sawUsage = true;
    expect(sawUsage).toBe(false);
  });

  it('returns tool calls, streamed and not', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ];
    const ask = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];
    const r = await client.chat.completions.create({ model: 'large', messages: ask, tools, tool_choice: 'required' });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    const call = r.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(typeof JSON.parse(call.function.arguments).city).toBe('string');

    const runner = client.chat.completions.stream({ model: 'large', messages: ask, tools, tool_choice: 'required' });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(streamed.function.name).toBe('get_weather');
    expect(JSON.parse(streamed.function.arguments)).toEqual(JSON.parse(call.function.arguments));
  });

  it('honours response_format json_object', async () => {
    const r = await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'Give me a JSON object describing a cat.' }], response_format: { type: 'json_object' } });
    expect(() => JSON.parse(r.choices[0]!.message.content!)).not.toThrow();
  });

  it('creates embeddings (float and base64)', async () => {
    const r = await client.embeddings.create({ model: 'sim-embed', input: ['hello world', 'goodbye'] });
    expect(r.data).toHaveLength(2);
    expect(r.data[0]!.embedding.length).toBe(256);
    expect(r.usage.prompt_tokens).toBeGreaterThan(0);
    // The SDK asks for base64 by default when no format is given and decodes it; ask for floats explicitly too.
    const f = await client.embeddings.create({ model: 'sim-embed', input: 'hello world', encoding_format: 'float' });
    expect(f.data[0]!.embedding).toHaveLength(256);
    expect(f.data[0]!.embedding[0]).toBeCloseTo(r.data[0]!.embedding[0]!, 5);
  });

  it('attributes usage to the key\'s agent, session and tags', async () => {
    await client.chat.completions.create({ model: 'small', messages }, { headers: { 'x-daca-session': 'sess-42', 'x-daca-tags': 'customer=globex,feature=search' } });
    const q = await fetch(`${daca.url}/api/usage?group_by=agent,session,tag:customer&agent=sdk-agent&tag.customer=globex`, { headers: { authorization: `Bearer ${daca.adminKey}` } });
    const body = (await q.json()) as { groups: { agent: string; session: string; 'tag:customer': string; requests: number }[] };
    expect(body.groups).toEqual([expect.objectContaining({ agent: 'sdk-agent', session: 'sess-42', 'tag:customer': 'globex', requests: 1 })]);
  });
});

describe('openai SDK error classes', () => {
  const expectError = async (fn: () => Promise<unknown>, cls: new (...a: never[]) => Error, status: number, code: string) => {
    const err = await fn().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(cls);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe(code);
    return err as InstanceType<typeof OpenAI.APIError>;
  };

  it('401 invalid_api_key for a missing or unknown key', async () => {
    const bad = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: 'sk-wrong-0000000000000000', maxRetries: 0 });
    await expectError(() => bad.chat.completions.create({ model: 'small', messages }), OpenAI.AuthenticationError, 401, 'invalid_api_key');
    const r = await fetch(`${daca.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(401);
  });

  it('401 after the key is revoked', async () => {
    const k = await createKey(daca.url, daca.adminKey, { agent: 'short-lived' });
    const c = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: k.key, maxRetries: 0 });
    await c.chat.completions.create({ model: 'small', messages });
    const del = await fetch(`${daca.url}/api/keys/${k.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${daca.adminKey}` } });
    expect(del.status).toBe(200);
    await expectError(() => c.chat.completions.create({ model: 'small', messages }), OpenAI.AuthenticationError, 401, 'invalid_api_key');
  });

  it('404 model_not_found for an unknown model', async () => {
    const e = await expectError(() => client.chat.completions.create({ model: 'no-such-model', messages }), OpenAI.NotFoundError, 404, 'model_not_found');
    expect(e.message).toContain('no-such-model');
  });

  it('400 invalid_request for a schema violation, naming the field', async () => {
    const e = await expectError(() => client.chat.completions.create({ model: 'small', messages: 'not-a-list' as never }), OpenAI.BadRequestError, 400, 'invalid_request');
    expect(e.param).toBe('messages');
  });

  it('400 invalid_request for malformed JSON', async () => {
    const r = await fetch(`${daca.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"model": "small", "messages": [' });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it('413 request_too_large for a huge body', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    await expectError(() => client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: huge }] }), OpenAI.APIError, 413, 'request_too_large');
  });

  it('403 forbidden when a key bound to an agent claims another agent', async () => {
    await expectError(() => client.chat.completions.create({ model: 'small', messages }, { headers: { 'x-daca-agent': 'someone-else' } }), OpenAI.PermissionDeniedError, 403, 'forbidden');
  });

  it('403 forbidden for a model outside the key\'s allow-list', async () => {
    const k = await createKey(daca.url, daca.adminKey, { agent: 'cheap-only', models: ['small'] });
    const c = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: k.key, maxRetries: 0 });
    await c.chat.completions.create({ model: 'small', messages });
    await expectError(() => c.chat.completions.create({ model: 'large', messages }), OpenAI.PermissionDeniedError, 403, 'forbidden');
  });

  it('429 rate_limit_exceeded with Retry-After when the upstream rate-limits', async () => {
    const e = await expectError(() => client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hi [sim:fail=429]' }] }), OpenAI.RateLimitError, 429, 'rate_limit_exceeded');
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('502 upstream_error when the upstream fails', async () => {
    await expectError(() => client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hi [sim:fail=500]' }] }), OpenAI.InternalServerError, 502, 'upstream_error');
  });

  it('keeps serving after every bad request', async () => {
    const r = await client.chat.completions.create({ model: 'small', messages });
    expect(r.choices[0]!.message.content).toBeTruthy();
    const health = await fetch(`${daca.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('meters failed calls with their status and code', async () => {
    const q = await fetch(`${daca.url}/api/usage?group_by=agent&agent=sdk-agent`, { headers: { authorization: `Bearer ${daca.adminKey}` } });
    const body = (await q.json()) as { totals: { requests: number; errors: number } };
    expect(body.totals.errors).toBeGreaterThanOrEqual(6);
  });
});
