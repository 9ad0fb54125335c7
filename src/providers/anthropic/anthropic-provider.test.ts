import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../../../test/support/fake-anthropic-upstream.js';
import { InvalidRequestError, ModelNotFoundError, RateLimitError, UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import type { CallContext, ChatChunk, ChatRequest } from '../types.js';
import { createAnthropicProvider } from './anthropic-provider.js';

let up: FakeAnthropicUpstream;
beforeAll(async () => {
  up = await startFakeAnthropicUpstream({ reply: 'Bonjour tout le monde.', apiKey: 'sk-ant', cacheReadTokens: 100, cacheCreationTokens: 20 });
});
afterAll(() => up.close());
beforeEach(() => up.setMode({ kind: 'ok' }));

const ctx = (signal: AbortSignal = new AbortController().signal): CallContext => ({ signal, requestId: 'req-a1' });
const req: ChatRequest = {
  model: 'claude-haiku-4-5',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Say hi in French' },
  ],
};
const provider = (extra: Partial<{ timeout_ms: number }> = {}) =>
  createAnthropicProvider('claude', { base_url: `${up.url}/v1`, api_key: 'sk-ant', headers: { 'x-team': 't1' }, version: '2023-06-01', ...extra }, { defaultMaxTokens: 777, now: () => 1_700_000_000_000 });

async function drain(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('anthropic provider', () => {
  it('translates a chat call to /v1/messages and the message back', async () => {
    const r = await provider().chat(req, ctx());
    expect(r.choices[0]!.message.content).toBe('Bonjour tout le monde.');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.created).toBe(1_700_000_000);
    expect(r.usage.cached_tokens).toBe(100);
    expect(r.usage.cache_write_tokens).toBe(20);
    expect(r.usage.prompt_tokens).toBeGreaterThan(120);
    const seen = up.requests.at(-1)!;
    expect(seen.path).toBe('/v1/messages');
    expect(seen.headers['x-api-key']).toBe('sk-ant');
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['x-team']).toBe('t1');
    expect(seen.headers['x-request-id']).toBe('req-a1');
    expect(seen.body).toEqual({ model: 'claude-haiku-4-5', max_tokens: 777, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hi in French' }] });
  });

  it('streams text deltas, a finish chunk and a final usage chunk', async () => {
    const chunks = await drain(provider().chatStream(req, ctx()));
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Bonjour tout le monde.');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: expect.any(Number), cached_tokens: 100, cache_write_tokens: 20 });
    expect((up.requests.at(-1)!.body as { stream: boolean }).stream).toBe(true);
  });

  it('round-trips tool calls: request tools/results out, tool_use back (plain and streamed)', async () => {
    up.setMode({ kind: 'tool_use', calls: [{ name: 'lookup', input: { q: 'paris' } }] });
    const toolReq: ChatRequest = {
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"lyon"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'find', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
      tool_choice: 'required',
    };
    const r = await provider().chat(toolReq, ctx());
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.tool_calls).toEqual([{ id: expect.stringMatching(/^toolu_/), type: 'function', function: { name: 'lookup', arguments: '{"q":"paris"}' } }]);
    const sent = up.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.tool_choice).toEqual({ type: 'any' });
    expect(sent.tools).toEqual([{ name: 'lookup', description: 'find', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }]);
    expect(sent.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'lyon' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
    ]);

    const chunks = await drain(provider().chatStream(toolReq, ctx()));
    const frags = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(frags[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^toolu_/), type: 'function', function: { name: 'lookup' } });
    expect(frags.map((f) => f.function?.arguments ?? '').join('')).toBe('{"q":"paris"}');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('maps Anthropic error bodies to typed errors', async () => {
    up.setMode({ kind: 'error', status: 404 });
    const nf = await provider().chat(req, ctx()).catch((e: unknown) => e);
    expect(nf).toBeInstanceOf(ModelNotFoundError);
    expect((nf as ModelNotFoundError).details).toMatchObject({ upstream_status: 404, upstream_type: 'not_found_error', upstream_message: 'model: claude-haiku-4-5' });

    up.setMode({ kind: 'error', status: 400 });
    await expect(provider().chat(req, ctx())).rejects.toBeInstanceOf(InvalidRequestError);

    up.setMode({ kind: 'rate_limit', retryAfter: 12 });
    const rl = await provider().chat(req, ctx()).catch((e: unknown) => e);
    expect(rl).toBeInstanceOf(RateLimitError);
    expect((rl as RateLimitError).headers['retry-after']).toBe('12');

    up.setMode({ kind: 'error', status: 529 });
    const ov = await drain(provider().chatStream(req, ctx())).catch((e: unknown) => e);
    expect(ov).toBeInstanceOf(UpstreamError);
    expect((ov as UpstreamError).details.upstream_type).toBe('overloaded_error');

    up.setMode({ kind: 'ok' });
    const wrongKey = createAnthropicProvider('claude', { base_url: up.url, api_key: 'nope', headers: {}, version: '2023-06-01' });
    const auth = await wrongKey.chat(req, ctx()).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(UpstreamError);
    expect((auth as UpstreamError).details.upstream_status).toBe(401);
  });

  it('fails a stream on an error event, malformed JSON, a cut connection or EOF before message_stop', async () => {
    up.setMode({ kind: 'stream_error', afterEvents: 4 });
    const ev = await drain(provider().chatStream(req, ctx())).catch((e: unknown) => e);
    expect(ev).toBeInstanceOf(UpstreamError);
    expect((ev as UpstreamError).message).toContain('overloaded_error');
    for (const mode of [{ kind: 'malformed', afterEvents: 4 }, { kind: 'close_mid_stream', afterEvents: 4 }, { kind: 'end_without_stop' }] as const) {
      up.setMode(mode);
      await expect(drain(provider().chatStream(req, ctx())), mode.kind).rejects.toBeInstanceOf(UpstreamError);
    }
    up.setMode({ kind: 'stream_error', afterEvents: 2, errorType: 'rate_limit_error', message: 'slow down' });
    await expect(drain(provider().chatStream(req, ctx()))).rejects.toBeInstanceOf(RateLimitError);
  });

  it('an abort mid-stream rethrows promptly and reaches the upstream', async () => {
    up.setMode({ kind: 'hang', afterEvents: 4 });
    const ac = new AbortController();
    const before = up.disconnects;
    const chunks: ChatChunk[] = [];
    const p = (async () => {
      for await (const c of provider().chatStream(req, ctx(ac.signal))) {
        chunks.push(c);
        if (chunks.length === 2) setTimeout(() => ac.abort(), 10);
      }
    })();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks.length).toBe(2);
    await up.waitForDisconnects(before + 1);
  });

  it('times out without progress and closes the upstream request', async () => {
    up.setMode({ kind: 'hang' });
    const before = up.disconnects;
    await expect(provider({ timeout_ms: 100 }).chat(req, ctx())).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await up.waitForDisconnects(before + 1);
  });

  it('has no embeddings', async () => {
    const e = await provider().embed({ model: 'x', input: 'y' }, ctx()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect((e as Error).message).toContain('declare an embedding model on another provider');
  });
});
