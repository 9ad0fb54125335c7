import { describe, expect, it } from 'vitest';
import { createSimProvider } from '../../providers/sim/index.js';
import type { ChatChunk, ChatRequest, ChatResult } from '../../providers/types.js';
import { parseCacheDirective } from './cache-directive.js';
import { ExactCache } from './exact-cache.js';
import { MemoryCacheStore } from './memory/memory-cache-store.js';
import { exactCacheKey } from './request-key.js';
import { assembleChunks, replayAsChunks } from './replay.js';

const req = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }], ...extra });
const answer = (text: string, finish: ChatResult['choices'][number]['finish_reason'] = 'stop'): ChatResult => ({
  id: 'chatcmpl-1', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

function cache(now = () => 1_000, maxEntries = 100, maxBytes = 1 << 20): ExactCache {
  return new ExactCache({ store: new MemoryCacheStore({ maxEntries, maxBytes, now }), ttlMs: 60_000, maxTemperature: 0, now });
}

describe('exact cache key', () => {
  it('ignores fields that do not change the answer and keeps those that do', () => {
    const base = exactCacheKey('t1', 'gpt-4o', req('hello'));
    expect(exactCacheKey('t1', 'gpt-4o', req('hello', { user: 'u1', extra: { metadata: { a: 1 }, stream: true, stream_options: { include_usage: true } } }))).toBe(base);
    expect(exactCacheKey('t1', 'gpt-4o', { ...req('hello'), messages: [{ role: 'system', content: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }] }, { role: 'user', content: 'hello' }] })).toBe(base);
    for (const other of [req('hello!'), req('hello', { temperature: 0.5 }), req('hello', { max_tokens: 9 }), req('hello', { seed: 3 }), req('hello', { stop: 'x' }), req('hello', { response_format: { type: 'json_object' } }), req('hello', { extra: { frequency_penalty: 1 } })])
      expect(exactCacheKey('t1', 'gpt-4o', other)).not.toBe(base);
    expect(exactCacheKey('t1', 'gpt-4o-mini', req('hello'))).not.toBe(base);
    expect(exactCacheKey('t2', 'gpt-4o', req('hello'))).not.toBe(base);
  });
});

describe('ExactCache', () => {
  it('answers an identical request for the same tenant, never for another tenant', async () => {
    const c = cache();
    expect(await c.lookup({ tenant: 'acme', model: 'gpt-4o' }, req('refund order 123'))).toBeNull();
    expect(await c.store({ tenant: 'acme', model: 'gpt-4o' }, req('refund order 123'), answer('Done: refunded.'), { answeredBy: 'gpt-4o-mini', costMicros: 850 })).toBe(true);
    const hit = await c.lookup({ tenant: 'acme', model: 'gpt-4o' }, req('refund order 123', { user: 'someone-else' }));
    expect(hit?.result.choices[0]?.message.content).toBe('Done: refunded.');
    expect(hit?.savedMicros).toBe(850);
    expect(hit?.answeredBy).toBe('gpt-4o-mini');
    expect(await c.lookup({ tenant: 'globex', model: 'gpt-4o' }, req('refund order 123'))).toBeNull();
    expect(await c.lookup({ tenant: 'acme', model: 'gpt-4o' }, req('refund order 124'))).toBeNull();
  });

  it('honours off / refresh / on directives and the temperature bound', async () => {
    const c = cache();
    const scope = { tenant: 't', model: 'm' };
    await c.store(scope, req('q'), answer('a1'), { answeredBy: 'm', costMicros: 1 });
    expect(await c.lookup(scope, req('q'), parseCacheDirective('off'))).toBeNull();
    expect(await c.lookup(scope, req('q'), parseCacheDirective('refresh'))).toBeNull();
    await c.store(scope, req('q'), answer('a2'), { answeredBy: 'm', costMicros: 1 }, 'refresh');
    expect((await c.lookup(scope, req('q')))?.result.choices[0]?.message.content).toBe('a2');
    expect(await c.store(scope, req('q', { temperature: 0.9 }), answer('hot'), { answeredBy: 'm', costMicros: 1 })).toBe(false);
    expect(await c.store(scope, req('q', { temperature: 0.9 }), answer('hot'), { answeredBy: 'm', costMicros: 1 }, 'on')).toBe(true);
    expect((await c.lookup(scope, req('q', { temperature: 0.9 }), 'on'))?.result.choices[0]?.message.content).toBe('hot');
    expect(() => parseCacheDirective('maybe')).toThrow(/x-daca-cache/);
  });

  it('stores only complete, successful answers', async () => {
    const c = cache();
    const scope = { tenant: 't', model: 'm' };
    expect(await c.store(scope, req('a'), answer('x', 'content_filter'), { answeredBy: 'm', costMicros: 1 })).toBe(false);
    expect(await c.store(scope, req('b'), answer('x', 'length'), { answeredBy: 'm', costMicros: 1 })).toBe(true);
    expect(await c.store(scope, req('c', { n: 2 }), answer('x'), { answeredBy: 'm', costMicros: 1 })).toBe(false);
  });

  it('expires entries after the TTL and evicts the least recently used beyond the bounds', async () => {
    let t = 0;
    const c = cache(() => t, 2);
    const s = { tenant: 't', model: 'm' };
    await c.store(s, req('a'), answer('A'), { answeredBy: 'm', costMicros: 1 });
    await c.store(s, req('b'), answer('B'), { answeredBy: 'm', costMicros: 1 });
    expect(await c.lookup(s, req('a'))).not.toBeNull(); // a is now the most recent
    await c.store(s, req('c'), answer('C'), { answeredBy: 'm', costMicros: 1 });
    expect(await c.lookup(s, req('b'))).toBeNull(); // evicted
    expect(await c.lookup(s, req('a'))).not.toBeNull();
    t = 60_001;
    expect(await c.lookup(s, req('c'))).toBeNull();

    const store = new MemoryCacheStore({ maxEntries: 100, maxBytes: 300 });
    await store.set('k1', 'x'.repeat(100), 1000);
    await store.set('k2', 'y'.repeat(100), 1000);
    await store.set('k3', 'z'.repeat(100), 1000);
    expect(store.stats().bytes).toBeLessThanOrEqual(300);
    expect(await store.get('k1')).toBeUndefined();
    expect(store.stats().evictions).toBe(1);
  });
});

describe('stream replay', () => {
  const sim = createSimProvider('sim', { kind: 'sim', seed: 3, ttft_ms: 0, tokens_per_second: 0, failures: { error_5xx: 0, rate_limit_429: 0, timeout: 0, malformed_stream: 0 }, scripts: [] }, { m: {} });
  const ctx = { signal: new AbortController().signal, requestId: 'r1' };

  async function collect(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
    const out: ChatChunk[] = [];
    for await (const c of it) out.push(c);
    return out;
  }

  it('a stored stream replays as chunks whose text equals the original stream', async () => {
    const r: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Summarize the release plan for the team please.' }] };
    const original = await collect(sim.chatStream(r, ctx));
    const stored = assembleChunks(original)!;
    const c = cache();
    await c.store({ tenant: 't', model: 'm' }, r, stored, { answeredBy: 'm', costMicros: 5 });
    const hit = (await c.lookup({ tenant: 't', model: 'm' }, { ...r, extra: { stream: true } }))!;
    const replay = replayAsChunks(hit.result, { usage: true });
    const text = (cs: ChatChunk[]) => cs.map((x) => x.choices[0]?.delta.content ?? '').join('');
    expect(text(replay)).toBe(text(original));
    expect(text(replay).length).toBeGreaterThan(20);
    expect(replay.at(-1)?.usage).toEqual(stored.usage);
    // …and a non-streamed answer (the same request, non-streaming) equals the stream's text.
    expect((await sim.chat(r, ctx)).choices[0]?.message.content).toBe(text(replay));
  });

  it('tool calls survive the round trip', async () => {
    const r: ChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'What is the weather in Lyon?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    };
    const original = await collect(sim.chatStream(r, ctx));
    const stored = assembleChunks(original)!;
    expect(stored.choices[0]?.finish_reason).toBe('tool_calls');
    const again = assembleChunks(replayAsChunks(stored, { usage: false }))!;
    expect(again.choices[0]?.message.tool_calls).toEqual(stored.choices[0]?.message.tool_calls);
    expect(again.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_weather');
  });
});
