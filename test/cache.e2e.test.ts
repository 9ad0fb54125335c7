/**
 * The response cache through the gateway with the official OpenAI SDK: hits are answered without
 * an upstream call, metered at zero cost and marked `x-daca-cache: hit`; a streamed request is
 * replayed as a stream equal to the original; tenants never share entries; `x-daca-cache: off`
 * bypasses it; two daca processes share entries through Redis.
 */
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../src/server/serve.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from './support/fake-openai-upstream.js';
import { startTestDaca } from './support/in-process-daca.js';
import { startDacaProcess } from './support/daca-process.js';

let up: FakeOpenAIUpstream;
let daca: RunningDaca;
const A = 'dk-cache-tenant-a-0000000000000000';
const B = 'dk-cache-tenant-b-0000000000000000';
const spec = (url: string): string => `
providers:
  oai: { kind: openai, base_url: "${url}/v1" }
models:
  gpt: { provider: oai, upstream: gpt-4o-mini, price: { input: 1, output: 2 } }
tenants: { a: {}, b: {} }
teams: { ta: { tenant: a }, tb: { tenant: b } }
agents: { bot-a: { team: ta }, bot-b: { team: tb } }
keys:
  ka: { value: "${A}", agent: bot-a }
  kb: { value: "${B}", agent: bot-b }
cache:
  exact: { enabled: true, ttl_s: 600 }
`;

beforeAll(async () => {
  up = await startFakeOpenAIUpstream({ reply: 'The capital of France is Paris.', chunks: 6 });
  daca = await startTestDaca(spec(up.url));
});
afterAll(async () => {
  await daca?.close();
  await up?.close();
});

const client = (key: string) => new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: key, maxRetries: 0 });
const q = (text: string) => [{ role: 'user' as const, content: text }];

describe('exact cache in the gateway', () => {
  it('answers a repeated request from the cache at zero cost, without calling the upstream', async () => {
    const c = client(A);
    const first = await c.chat.completions.create({ model: 'gpt', messages: q('What is the capital of France?') }).withResponse();
    expect(first.response.headers.get('x-daca-cache')).toBe('miss');
    const calls = up.requests.length;
    const again = await c.chat.completions.create({ model: 'gpt', messages: q('What is the capital of France?') }).withResponse();
    expect(again.response.headers.get('x-daca-cache')).toBe('hit');
    expect(Number(again.response.headers.get('x-daca-cost-usd'))).toBe(0);
    expect(again.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(up.requests.length).toBe(calls);
    await daca.services.recorder.flush();
    const rows = await daca.services.store.usage.list({ agent: 'bot-a' });
    const hit = rows.find((r) => r.id === again.response.headers.get('x-daca-request-id'))!;
    expect(hit.cache).toBe('hit');
    expect(hit.costMicros).toBe(0);
    expect(hit.outputTokens).toBeGreaterThan(0);
  });

  it('replays a cached answer as a stream equal to the original stream', async () => {
    const c = client(A);
    /** What a client makes of a stream: role, text, finish reason, usage, model. */
    const read = async (stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) => {
      const out = { role: '', text: '', finish: '' as string | null, usage: null as unknown, model: '', chunks: 0 };
      for await (const ch of stream) {
        out.chunks++;
        out.model = ch.model;
        const choice = ch.choices[0];
        if (choice?.delta.role) out.role = choice.delta.role;
        out.text += choice?.delta.content ?? '';
        if (choice?.finish_reason) out.finish = choice.finish_reason;
        if (ch.usage) out.usage = { prompt: ch.usage.prompt_tokens, completion: ch.usage.completion_tokens };
      }
      return out;
    };
    const ask = { model: 'gpt', messages: q('Stream me the capital of Italy.'), stream: true as const, stream_options: { include_usage: true } };
    const original = await read(await c.chat.completions.create(ask));
    const calls = up.requests.length;
    const { data: stream, response } = await c.chat.completions.create(ask).withResponse();
    const replay = await read(stream);
    expect(response.headers.get('x-daca-cache')).toBe('hit');
    expect(original.chunks).toBeGreaterThan(2);
    expect(original.text).toBe('The capital of France is Paris.');
    expect(original.usage).not.toBeNull();
    expect({ ...replay, chunks: 0 }).toEqual({ ...original, chunks: 0 });
    expect(up.requests.length).toBe(calls);
  });

  it('never shares entries between tenants', async () => {
    await client(A).chat.completions.create({ model: 'gpt', messages: q('Tenant isolation question') });
    const other = await client(B).chat.completions.create({ model: 'gpt', messages: q('Tenant isolation question') }).withResponse();
    expect(other.response.headers.get('x-daca-cache')).toBe('miss');
  });

  it('is bypassed with x-daca-cache: off', async () => {
    const c = client(A);
    await c.chat.completions.create({ model: 'gpt', messages: q('Bypass me') });
    const calls = up.requests.length;
    const r = await c.chat.completions.create({ model: 'gpt', messages: q('Bypass me') }, { headers: { 'x-daca-cache': 'off' } }).withResponse();
    expect(r.response.headers.get('x-daca-cache')).toBe('miss');
    expect(up.requests.length).toBe(calls + 1);
    const bad = await fetch(`${daca.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${A}`, 'x-daca-cache': 'sometimes' }, body: JSON.stringify({ model: 'gpt', messages: q('x') }) });
    expect(bad.status).toBe(400);
  });
});

describe('cache shared by two daca processes through Redis', () => {
  it('a request answered on node 1 is a hit on node 2', async () => {
    const env = { DACA_REDIS_URL: 'redis://127.0.0.1:6379', DACA_REDIS_PREFIX: `daca-test-${process.pid}-${Date.now()}` };
    const redis = new Redis(env.DACA_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect(); // fails (not skips) when Redis is missing
    const dirs = [mkdtempSync(join(tmpdir(), 'daca-cache-1-')), mkdtempSync(join(tmpdir(), 'daca-cache-2-'))];
    for (const d of dirs) writeFileSync(join(d, 'daca.yaml'), spec(up.url));
    const [n1, n2] = await Promise.all(dirs.map((cwd) => startDacaProcess({ cwd, env, startTimeoutMs: 60_000 }))); // two start-ups at once on a loaded CI machine
    try {
      const c1 = new OpenAI({ baseURL: `${n1!.url}/v1`, apiKey: A, maxRetries: 0 });
      const c2 = new OpenAI({ baseURL: `${n2!.url}/v1`, apiKey: A, maxRetries: 0 });
      const text = `Shared across nodes ${Date.now()}`;
      const a = await c1.chat.completions.create({ model: 'gpt', messages: q(text) }).withResponse();
      expect(a.response.headers.get('x-daca-cache')).toBe('miss');
      // Node 1 stores the answer after responding: wait until the entry is in Redis.
      for (let i = 0; i < 200 && (await redis.keys(`${env.DACA_REDIS_PREFIX}:cache:*`)).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await redis.keys(`${env.DACA_REDIS_PREFIX}:cache:*`)).toHaveLength(1);
      const calls = up.requests.length;
      const b = await c2.chat.completions.create({ model: 'gpt', messages: q(text) }).withResponse();
      expect(b.response.headers.get('x-daca-cache')).toBe('hit');
      expect(b.data.choices[0]!.message.content).toBe(a.data.choices[0]!.message.content);
      expect(up.requests.length).toBe(calls); // node 2 never called the upstream
    } finally {
      await Promise.all([n1!.stop(), n2!.stop()]);
      const left = await redis.keys(`${env.DACA_REDIS_PREFIX}:cache:*`);
      if (left.length) await redis.del(...left);
      await redis.quit();
    }
  }, 120_000);
});
