import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../../test/support/fake-openai-upstream.js';
import { InvalidRequestError, ModelNotFoundError, RateLimitError, UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import type { CallContext, ChatChunk, ChatRequest } from '../types.js';
import { createOpenAICompatibleProvider } from './openai-compatible-provider.js';

let up: FakeOpenAIUpstream;
beforeAll(async () => {
  up = await startFakeOpenAIUpstream({ reply: 'One two three.', cachedTokens: 2 });
});
afterAll(() => up.close());
beforeEach(() => up.setMode({ kind: 'ok' }));

const ctx = (signal: AbortSignal = new AbortController().signal): CallContext => ({ signal, requestId: 'req-123', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
const req: ChatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count' }] };
const provider = () => createOpenAICompatibleProvider('oa', { base_url: `${up.url}/v1/`, api_key: 'sk-up', headers: { 'x-org': 'acme' } });

async function drain(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('openai-compatible provider', () => {
  it('calls chat completions with credentials, correlation headers and extra fields', async () => {
    const r = await provider().chat({ ...req, temperature: 0.2, extra: { logprobs: false, stream: true } }, ctx());
    expect(r.choices[0]!.message.content).toBe('One two three.');
    expect(r.usage.cached_tokens).toBe(2);
    const seen = up.requests.at(-1)!;
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe('Bearer sk-up');
    expect(seen.headers['x-org']).toBe('acme');
    expect(seen.headers['x-request-id']).toBe('req-123');
    expect(seen.headers.traceparent).toMatch(/^00-0af7/);
    expect(seen.body).toEqual({ logprobs: false, model: 'gpt-4o-mini', messages: req.messages, temperature: 0.2 });
  });

  it('streams chunks with usage at the end and asks for include_usage', async () => {
    const chunks = await drain(provider().chatStream(req, ctx()));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('One two three.');
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 3, cached_tokens: 2 });
    expect((up.requests.at(-1)!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it('reuses one keep-alive connection across sequential calls and streams', async () => {
    const p = provider();
    await p.chat(req, ctx());
    const before = up.connections;
    for (let i = 0; i < 10; i++) {
      await p.chat(req, ctx());
      await drain(p.chatStream(req, ctx()));
    }
    // undici may open a second pooled socket while the first is being released; it must not grow per call.
    expect(up.connections - before).toBeLessThanOrEqual(1);
  });

  it('streams tool call fragments', async () => {
    up.setMode({ kind: 'tool_calls', calls: [{ name: 'lookup', arguments: '{"q":"daca gateway"}' }] });
    const chunks = await drain(provider().chatStream({ ...req, tools: [{ type: 'function', function: { name: 'lookup' } }] }, ctx()));
    const frags = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(frags[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), function: { name: 'lookup' } });
    expect(frags.map((f) => f.function?.arguments ?? '').join('')).toBe('{"q":"daca gateway"}');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('drops thinking parts from assistant turns before sending', async () => {
    await provider().chat({ ...req, messages: [...req.messages, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'text', text: 'ok' }] }] }, ctx());
    expect((up.requests.at(-1)!.body as { messages: unknown[] }).messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'ok' }] });
  });

  it('embeds', async () => {
    const r = await provider().embed({ model: 'text-embedding-3-small', input: ['x', 'y'], dimensions: 3 }, ctx());
    expect(r.data.map((d) => d.embedding.length)).toEqual([3, 3]);
    expect(up.requests.at(-1)!.path).toBe('/v1/embeddings');
  });

  it('maps upstream statuses to typed errors carrying the upstream message', async () => {
    up.setMode({ kind: 'rate_limit', retryAfter: 9 });
    const rl = await provider().chat(req, ctx()).catch((e: unknown) => e);
    expect(rl).toBeInstanceOf(RateLimitError);
    expect((rl as RateLimitError).headers['retry-after']).toBe('9');

    up.setMode({ kind: 'error', status: 400 });
    const bad = await provider().chat(req, ctx()).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidRequestError);
    expect((bad as InvalidRequestError).message).toContain('Invalid request');
    expect((bad as InvalidRequestError).param).toBe('messages');

    up.setMode({ kind: 'error', status: 404 });
    const nf = await provider().chat(req, ctx()).catch((e: unknown) => e);
    expect(nf).toBeInstanceOf(ModelNotFoundError);
    expect((nf as ModelNotFoundError).details.upstream_message).toContain('does not exist');

    up.setMode({ kind: 'error', status: 503 });
    const five = await provider().chatStream(req, ctx())[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(five).toBeInstanceOf(UpstreamError);
    expect((five as UpstreamError).details).toMatchObject({ upstream_status: 503, provider: 'oa' });

    up.setMode({ kind: 'error', status: 401 });
    const auth = await provider().chat(req, ctx()).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(UpstreamError);
    expect((auth as UpstreamError).callerFault).toBe(false);
  });

  it('treats a non-JSON 404 (wrong base_url) as an upstream error, not a missing model', async () => {
    const p = createOpenAICompatibleProvider('oa', { base_url: `${up.url}/nope`, headers: {} });
    const e = await p.chat(req, ctx()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UpstreamError);
  });

  it('reports network failures and timeouts as upstream errors', async () => {
    const dead = createOpenAICompatibleProvider('dead', { base_url: 'http://127.0.0.1:1/v1', headers: {} });
    const e = await dead.chat(req, ctx()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UpstreamError);
    expect((e as UpstreamError).message).toContain('could not be reached');

    up.setMode({ kind: 'hang' });
    const slow = createOpenAICompatibleProvider('slow', { base_url: `${up.url}/v1`, headers: {}, timeout_ms: 100 });
    const before = up.disconnects;
    await expect(slow.chat(req, ctx())).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await up.waitForDisconnects(before + 1);
  });

  it('stream timeouts count time without progress', async () => {
    up.setMode({ kind: 'hang', afterChunks: 2 });
    const slow = createOpenAICompatibleProvider('slow', { base_url: `${up.url}/v1`, headers: {}, timeout_ms: 150 });
    await expect(drain(slow.chatStream(req, ctx()))).rejects.toBeInstanceOf(UpstreamTimeoutError);
  });

  it('fails malformed streams: bad JSON, cut connection, EOF before [DONE], error chunk', async () => {
    for (const mode of [{ kind: 'malformed', afterChunks: 2 }, { kind: 'close_mid_stream', afterChunks: 2 }, { kind: 'end_without_done' }] as const) {
      up.setMode(mode);
      await expect(drain(provider().chatStream(req, ctx())), mode.kind).rejects.toBeInstanceOf(UpstreamError);
    }
    up.setMode({ kind: 'malformed' });
    await expect(provider().chat(req, ctx())).rejects.toBeInstanceOf(UpstreamError);
  });

  it('an abort mid-stream rethrows promptly and the upstream sees the disconnect', async () => {
    up.setMode({ kind: 'hang', afterChunks: 2 });
    const ac = new AbortController();
    const before = up.disconnects;
    const it = provider().chatStream(req, ctx(ac.signal))[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    expect((await it.next()).done).toBe(false);
    const pending = it.next();
    setTimeout(() => ac.abort(), 20);
    const t0 = Date.now();
    const e = await pending.catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(1000);
    await up.waitForDisconnects(before + 1);
  });

  it('an abort before the response arrives closes the upstream request', async () => {
    up.setMode({ kind: 'hang' });
    const ac = new AbortController();
    const before = up.disconnects;
    const p = provider().chat(req, ctx(ac.signal));
    setTimeout(() => ac.abort(), 30);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await up.waitForDisconnects(before + 1);
  });

  it('a consumer that stops reading early closes the upstream stream', async () => {
    up.setMode({ kind: 'hang', afterChunks: 3 });
    const before = up.disconnects;
    for await (const c of provider().chatStream(req, ctx())) {
      void c;
      break;
    }
    await up.waitForDisconnects(before + 1);
  });
});
