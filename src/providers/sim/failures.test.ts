import { describe, expect, it } from 'vitest';
import { RateLimitError, UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import { ProviderSchema } from '../../spec/schema.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import type { ChatChunk, ChatRequest } from '../types.js';
import { createSimProvider } from './index.js';

const simSpec = (extra: Record<string, unknown> = {}) => ProviderSchema.parse({ kind: 'sim', ...extra }) as SimProviderSpec;
const ctx = (signal = new AbortController().signal) => ({ signal, requestId: 'req-f' });
const ask = (content: string): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content }] });

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof RateLimitError) return '429';
    if (e instanceof UpstreamError) return String(e.details.upstream_status);
    throw e;
  }
}

describe('sim failure markers', () => {
  it('[sim:fail=5xx] throws UpstreamError with the upstream status', async () => {
    const sim = createSimProvider('sim', simSpec(), { m: {} });
    for (const status of [500, 502, 503]) {
      const err = await sim.chat(ask(`hi [sim:fail=${status}]`), ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).details.upstream_status).toBe(status);
    }
    await expect(sim.chat(ask('hi'), ctx())).resolves.toBeTruthy();
  });

  it('[sim:fail=429] throws RateLimitError with retry-after', async () => {
    const sim = createSimProvider('sim', simSpec(), { m: {} });
    const err = await sim.chat(ask('hi [sim:fail=429]'), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).headers['retry-after']).toBe('1');
    // streams fail on the first next(), before any chunk
    const it = sim.chatStream(ask('hi [sim:fail=429]'), ctx())[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toBeInstanceOf(RateLimitError);
  });

  it('[sim:fail=timeout] hangs until the signal aborts, then throws UpstreamTimeoutError', async () => {
    const sim = createSimProvider('sim', simSpec(), { m: {} });
    const ac = new AbortController();
    let settled = false;
    const p = sim.chat(ask('hi [sim:fail=timeout]'), ctx(ac.signal)).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(UpstreamTimeoutError);
  });

  it('[sim:fail=malformed] breaks a stream half-way with UpstreamError', async () => {
    const sim = createSimProvider('sim', simSpec(), { m: {} });
    const chunks: ChatChunk[] = [];
    let error: unknown;
    try {
      for await (const c of sim.chatStream(ask('Write the weekly update [sim:fail=malformed] [sim:tokens=30]'), ctx())) chunks.push(c);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(UpstreamTimeoutError);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.some((c) => c.choices[0]?.finish_reason || c.usage)).toBe(false);
    await expect(sim.chat(ask('hi [sim:fail=malformed]'), ctx())).rejects.toBeInstanceOf(UpstreamError);
  });
});

describe('sim failure rates', () => {
  const rates = { failures: { error_5xx: 0.3, rate_limit_429: 0.2, timeout: 0, malformed_stream: 0 } };

  it('are reproducible from the seed and the call counter, and roughly match the rates', async () => {
    const run = async (seed: number) => {
      const sim = createSimProvider('sim', simSpec({ seed, ...rates }), { m: {} });
      const out: string[] = [];
      for (let i = 0; i < 200; i++) out.push(await outcome(sim.chat(ask(`call ${i}`), ctx())));
      return out;
    };
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(await run(43)).not.toEqual(a);
    const count = (k: (s: string) => boolean) => a.filter(k).length;
    expect(count((s) => s === '429')).toBeGreaterThan(20);
    expect(count((s) => s === '429')).toBeLessThan(65);
    expect(count((s) => /^50[0-3]$/.test(s))).toBeGreaterThan(35);
    expect(count((s) => /^50[0-3]$/.test(s))).toBeLessThan(85);
    expect(new Set(a.filter((s) => s.startsWith('5'))).size).toBeGreaterThan(1);
  });

  it('timeout and malformed_stream rates inject their failures', async () => {
    const hang = createSimProvider('sim', simSpec({ failures: { error_5xx: 0, rate_limit_429: 0, timeout: 1, malformed_stream: 0 } }), { m: {} });
    await expect(hang.chat(ask('hi'), ctx(AbortSignal.timeout(20)))).rejects.toBeInstanceOf(UpstreamTimeoutError);
    const broken = createSimProvider('sim', simSpec({ failures: { error_5xx: 0, rate_limit_429: 0, timeout: 0, malformed_stream: 1 } }), { m: {} });
    const seen: ChatChunk[] = [];
    await expect(
      (async () => {
        for await (const c of broken.chatStream(ask('Write the plan [sim:tokens=20]'), ctx())) seen.push(c);
      })(),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(seen.length).toBeGreaterThan(1);
  });
});
