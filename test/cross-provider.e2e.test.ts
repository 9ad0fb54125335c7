/**
 * daca in front of local servers that speak the real OpenAI and Anthropic wire formats:
 * both client APIs reach both kinds of provider, upstream errors map to the documented codes,
 * a client that disconnects cancels the upstream request, and upstream timeouts are enforced.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../src/server/serve.js';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from './support/fake-anthropic-upstream.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from './support/fake-openai-upstream.js';
import { startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

let oa: FakeOpenAIUpstream;
let an: FakeAnthropicUpstream;
let daca: RunningDaca;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  oa = await startFakeOpenAIUpstream({ reply: 'Hello from the OpenAI upstream.' });
  an = await startFakeAnthropicUpstream({ reply: 'Hello from the Anthropic upstream.' });
  daca = await startTestDaca(`
server: { upstream_timeout_ms: 1500 }
providers:
  oai: { kind: openai, base_url: "${oa.url}/v1", api_key: upstream-secret }
  claude: { kind: anthropic, base_url: "${an.url}", api_key: upstream-secret }
models:
  gpt: { provider: oai, upstream: gpt-4o-mini }
  sonnet: { provider: claude, upstream: claude-sonnet-4-5 }
  embed: { provider: oai, upstream: text-embedding-3-small, type: embedding }
keys:
  k: { value: "dk-cross-provider-test-key-000000", agent: cross }
`);
  openai = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: 'dk-cross-provider-test-key-000000', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: daca.url, apiKey: 'dk-cross-provider-test-key-000000', maxRetries: 0 });
});
afterAll(async () => {
  await daca?.close();
  await oa?.close();
  await an?.close();
});

const ask = [{ role: 'user' as const, content: 'Hello?' }];

describe('OpenAI clients', () => {
  it('reach an OpenAI-compatible upstream, with the provider credentials and the upstream model id', async () => {
    const r = await openai.chat.completions.create({ model: 'gpt', messages: ask });
    expect(r.choices[0]!.message.content).toBe('Hello from the OpenAI upstream.');
    const last = oa.requests.at(-1)!;
    expect((last.body as { model: string }).model).toBe('gpt-4o-mini');
    expect(last.headers.authorization).toBe('Bearer upstream-secret');
  });

  it('reach an Anthropic upstream (translated both ways), streaming included', async () => {
    const r = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'system', content: 'Be brief.' }, ...ask] });
    expect(r.choices[0]!.message.content).toBe('Hello from the Anthropic upstream.');
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    const sent = an.requests.at(-1)!.body as { system: unknown; model: string; max_tokens: number };
    expect(sent.model).toBe('claude-sonnet-4-5');
    expect(JSON.stringify(sent.system)).toContain('Be brief.');
    let text = '';
    for await (const c of await openai.chat.completions.create({ model: 'sonnet', messages: ask, stream: true })) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the Anthropic upstream.');
  });

  it('get tool calls from an Anthropic upstream as OpenAI tool_calls', async () => {
    an.queue({ kind: 'tool_use', calls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
    const r = await openai.chat.completions.create({ model: 'sonnet', messages: ask, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    const call = r.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
  });

  it('get embeddings from the upstream', async () => {
    const r = await openai.embeddings.create({ model: 'embed', input: ['a', 'b'], encoding_format: 'float' });
    expect(r.data).toHaveLength(2);
    expect(r.data[0]!.embedding.length).toBeGreaterThan(0);
  });
});

describe('Anthropic clients', () => {
  it('reach an OpenAI-compatible upstream', async () => {
    const r = await anthropic.messages.create({ model: 'gpt', max_tokens: 50, system: 'Be brief.', messages: ask });
    expect((r.content[0] as Anthropic.TextBlock).text).toBe('Hello from the OpenAI upstream.');
    const sent = oa.requests.at(-1)!.body as { messages: { role: string; content: unknown }[]; max_tokens: number };
    expect(sent.messages[0]).toMatchObject({ role: 'system' });
    expect(sent.max_tokens).toBe(50);
    const s = anthropic.messages.stream({ model: 'gpt', max_tokens: 50, messages: ask });
    let text = '';
    s.on('text', (t) => (text += t));
    const final = await s.finalMessage();
    expect(text).toBe('Hello from the OpenAI upstream.');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('reach an Anthropic upstream', async () => {
    const r = await anthropic.messages.create({ model: 'sonnet', max_tokens: 50, messages: ask });
    expect((r.content[0] as Anthropic.TextBlock).text).toBe('Hello from the Anthropic upstream.');
  });
});

describe('upstream failures', () => {
  it('maps an upstream 500 to 502 upstream_error and a 429 to 429 with Retry-After', async () => {
    oa.queue({ kind: 'error', status: 500 });
    const e1 = (await openai.chat.completions.create({ model: 'gpt', messages: ask }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(e1.status).toBe(502);
    expect(e1.code).toBe('upstream_error');
    oa.queue({ kind: 'rate_limit', retryAfter: 7 });
    const e2 = (await openai.chat.completions.create({ model: 'gpt', messages: ask }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(e2).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e2.headers?.get('retry-after')).toBe('7');
  });

  it('reports a malformed upstream stream in-band and keeps serving', async () => {
    oa.queue({ kind: 'malformed', afterChunks: 2 });
    const stream = await openai.chat.completions.create({ model: 'gpt', messages: ask, stream: true });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/malformed|upstream/i);
    const ok = await openai.chat.completions.create({ model: 'gpt', messages: ask });
    expect(ok.choices[0]!.message.content).toBeTruthy();
  });

  it('enforces the upstream timeout (502 upstream_error)', async () => {
    oa.queue({ kind: 'hang' });
    const before = oa.disconnects;
    const e = (await openai.chat.completions.create({ model: 'gpt', messages: ask }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(502);
    expect(e.code).toBe('upstream_error');
    expect(e.message).toMatch(/1500 ms/);
    await oa.waitForDisconnects(before + 1, 2000);
  });

  it('cancels the upstream request when the client disconnects mid-stream', async () => {
    oa.queue({ kind: 'hang', afterChunks: 2 });
    const before = oa.disconnects;
    const ac = new AbortController();
    const r = await fetch(`${daca.url}/v1/chat/completions`, {
      method: 'POST',
      signal: ac.signal,
      headers: { authorization: 'Bearer dk-cross-provider-test-key-000000', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt', messages: ask, stream: true }),
    });
    const reader = r.body!.getReader();
    await reader.read();
    ac.abort();
    await oa.waitForDisconnects(before + 1, 1000);
    // The abandoned call is metered as 499 client_closed_request.
    await new Promise((res) => setTimeout(res, 50));
    await daca.services.recorder.flush();
    const rows = await daca.services.store.usage.list({ agent: 'cross' });
    expect(rows.some((x) => x.status === 499 && x.errorCode === 'client_closed_request' && x.stream)).toBe(true);
  });

  it('cancels the upstream request when a non-streaming client goes away', async () => {
    oa.queue({ kind: 'hang' });
    const before = oa.disconnects;
    const ac = new AbortController();
    const p = fetch(`${daca.url}/v1/chat/completions`, {
      method: 'POST',
      signal: ac.signal,
      headers: { authorization: 'Bearer dk-cross-provider-test-key-000000', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt', messages: ask }),
    }).catch(() => null);
    await new Promise((res) => setTimeout(res, 100));
    ac.abort();
    await p;
    await oa.waitForDisconnects(before + 1, 1000);
  });

  it('names the model in a 404 and lists what exists', async () => {
    const r = await fetch(`${daca.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer dk-cross-provider-test-key-000000' }, body: JSON.stringify({ model: 'gtp', messages: ask }) });
    expect(r.status).toBe(404);
    const body = (await r.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('model_not_found');
    expect(body.error.message).toContain('gpt');
  });

  it('refuses an agent key on the admin API', async () => {
    const r = await fetch(`${daca.url}/api/usage?group_by=agent`, { headers: { authorization: `Bearer dk-cross-provider-test-key-000000` } });
    expect(r.status).toBe(403);
    const ok = await fetch(`${daca.url}/api/usage?group_by=agent`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    expect(ok.status).toBe(200);
  });
});
