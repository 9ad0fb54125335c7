import { describe, expect, it } from 'vitest';
import { UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import { countTextTokens } from '../../metering/tokenizer.js';
import { ProviderSchema } from '../../spec/schema.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import type { ChatChunk, ChatRequest } from '../types.js';
import { createSimProvider } from './index.js';
import type { SleepFn } from './index.js';

const simSpec = (extra: Record<string, unknown> = {}) => ProviderSchema.parse({ kind: 'sim', ...extra }) as SimProviderSpec;
const ctx = (signal = new AbortController().signal) => ({ signal, requestId: 'req-p' });
const ask = (content: string, model = 'm'): ChatRequest => ({ model, messages: [{ role: 'user', content }] });

/** A fake clock whose sleep advances time instantly and records each sleep. */
function fakeTime() {
  const state = { t: 1_700_000_000_000, sleeps: [] as number[] };
  const now = () => state.t;
  const sleep: SleepFn = async (ms, signal) => {
    if (signal.aborted) throw signal.reason;
    state.sleeps.push(ms);
    state.t += ms;
  };
  return { state, now, sleep };
}

describe('sim pacing', () => {
  it('streams the first token after TTFT and the rest at tokens_per_second', async () => {
    const clock = fakeTime();
    const sim = createSimProvider('sim', simSpec({ ttft_ms: 200, tokens_per_second: 50 }), { m: {} }, clock);
    const start = clock.state.t;
    const stamps: { chunk: ChatChunk; at: number }[] = [];
    for await (const chunk of sim.chatStream(ask('Write the release notes [sim:tokens=20]'), ctx())) stamps.push({ chunk, at: clock.state.t - start });
    expect(clock.state.sleeps[0]).toBe(200);
    expect(stamps[0]!.at).toBe(200);
    // each content chunk goes out when the tokens before it are done (20 ms per token at 50 tok/s)
    let before = 0;
    expect(stamps.length).toBeGreaterThan(10);
    for (const { chunk, at } of stamps.slice(1, -2)) {
      expect(at).toBeCloseTo(200 + before * 20, 6);
      before += countTextTokens(chunk.choices[0]!.delta.content ?? '');
    }
    expect(stamps[stamps.length - 1]!.at).toBeCloseTo(200 + 20 * 20, 6);
    expect(stamps[stamps.length - 1]!.chunk.usage!.completion_tokens).toBe(20);
  });

  it('delays a non-streaming reply by TTFT + completion tokens / speed; model settings and markers override', async () => {
    const clock = fakeTime();
    const sim = createSimProvider('sim', simSpec({ ttft_ms: 100, tokens_per_second: 100 }), { m: {}, fast: { ttft_ms: 10, tokens_per_second: 1000 } }, clock);
    let t = clock.state.t;
    const r = await sim.chat(ask('Plan the sprint [sim:tokens=30]'), ctx());
    expect(r.usage.completion_tokens).toBe(30);
    expect(clock.state.t - t).toBeCloseTo(100 + 300, 6);
    t = clock.state.t;
    await sim.chat(ask('Plan the sprint [sim:tokens=30]', 'fast'), ctx());
    expect(clock.state.t - t).toBeCloseTo(10 + 30, 6);
    t = clock.state.t;
    await sim.chat(ask('Plan the sprint [sim:tokens=30] [sim:ttft=500] [sim:tps=0]', 'fast'), ctx());
    expect(clock.state.t - t).toBe(500);
  });

  it('never sleeps when TTFT and speed are zero', async () => {
    const sleep: SleepFn = () => Promise.reject(new Error('must not sleep'));
    const sim = createSimProvider('sim', simSpec(), { m: {} }, { sleep });
    await sim.chat(ask('Hello team'), ctx());
    for await (const _ of sim.chatStream(ask('Hello team'), ctx())) void _;
  });
});

describe('sim abort', () => {
  it('stops a slow call promptly when the signal aborts (real timers)', async () => {
    const sim = createSimProvider('sim', simSpec({ ttft_ms: 60_000 }), { m: {} });
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(), 20);
    const err = await sim.chat(ask('hi'), ctx(ac.signal)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).not.toBeInstanceOf(UpstreamTimeoutError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports a deadline abort as UpstreamTimeoutError', async () => {
    const sim = createSimProvider('sim', simSpec({ ttft_ms: 60_000 }), { m: {} });
    await expect(sim.chat(ask('hi'), ctx(AbortSignal.timeout(10)))).rejects.toBeInstanceOf(UpstreamTimeoutError);
  });

  it('stops a stream mid-way, even an instant one, and refuses an already aborted call', async () => {
    const sim = createSimProvider('sim', simSpec(), { m: {} });
    const ac = new AbortController();
    const it = sim.chatStream(ask('Write a long memo [sim:tokens=50]'), ctx(ac.signal))[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    expect((await it.next()).done).toBe(false);
    ac.abort();
    await expect(it.next()).rejects.toBeInstanceOf(UpstreamError);
    await expect(sim.chat(ask('hi'), ctx(ac.signal))).rejects.toBeInstanceOf(UpstreamError);
    await expect(sim.embed({ model: 'm', input: 'x' }, ctx(ac.signal))).rejects.toBeInstanceOf(Error);
  });

  it('stops a paced stream while it sleeps', async () => {
    const sim = createSimProvider('sim', simSpec({ tokens_per_second: 5 }), { m: {} });
    const ac = new AbortController();
    const it = sim.chatStream(ask('Write a long memo [sim:tokens=50]'), ctx(ac.signal))[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    const started = performance.now();
    setTimeout(() => ac.abort(), 10);
    await expect(it.next()).rejects.toBeInstanceOf(UpstreamError);
    expect(performance.now() - started).toBeLessThan(150);
  });
});
