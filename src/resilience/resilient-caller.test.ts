import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../test/support/fake-openai-upstream.js';
import { ClientClosedError, InvalidRequestError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.js';
import { createProviders } from '../providers/registry.js';
import type { ChatResult, ModelProvider } from '../providers/types.js';
import type { ResolvedModel } from '../spec/resolve.js';
import { SpecSchema, type Spec } from '../spec/schema.js';
import { createResilientCaller, type ResilientCaller, type ResilientResult } from './resilient-caller.js';

let upA: FakeOpenAIUpstream;
let upB: FakeOpenAIUpstream;

beforeAll(async () => {
  upA = await startFakeOpenAIUpstream({ reply: 'from A' });
  upB = await startFakeOpenAIUpstream({ reply: 'from B' });
});
afterAll(async () => {
  await upA.close();
  await upB.close();
});
beforeEach(() => {
  for (const u of [upA, upB]) {
    u.setMode({ kind: 'ok' });
    u.requests.length = 0;
  }
});

const FAST_RETRY = { max_retries: 2, initial_delay_ms: 5, max_delay_ms: 20 };

function makeSpec(over: Record<string, unknown> = {}): Spec {
  return SpecSchema.parse({
    providers: {
      a: { kind: 'openai', base_url: `${upA.url}/v1` },
      b: { kind: 'openai', base_url: `${upB.url}/v1` },
      sim: { kind: 'sim' },
    },
    models: {
      primary: {
        provider: 'a', upstream: 'gpt-4o', retry: FAST_RETRY, timeout_ms: 250,
        circuit_breaker: { consecutive_failures: 3, half_open_after_ms: 150 }, fallbacks: ['backup', 'sim-large'],
      },
      backup: { provider: 'b', upstream: 'gpt-4o-mini', circuit_breaker: { consecutive_failures: 2, half_open_after_ms: 10_000 } },
      'sim-large': { provider: 'sim' },
      solo: { provider: 'a', upstream: 'solo', circuit_breaker: { consecutive_failures: 2, half_open_after_ms: 150 } },
      patient: { provider: 'a', upstream: 'patient', retry: { ...FAST_RETRY, max_retries: 1 }, fallbacks: ['backup'] },
      impatient: { provider: 'a', upstream: 'impatient', retry: { ...FAST_RETRY, max_retry_after_ms: 500 }, fallbacks: ['backup'] },
      ...over,
    },
  });
}

interface Harness {
  caller: ResilientCaller;
  call(model: string, signal?: AbortSignal): Promise<ResilientResult<ChatResult>>;
}

function harness(spec = makeSpec()): Harness {
  const providers: Map<string, ModelProvider> = createProviders(spec);
  const caller = createResilientCaller(spec);
  const attempt = (m: ResolvedModel, signal: AbortSignal) =>
    providers.get(m.provider)!.chat({ model: m.upstream, messages: [{ role: 'user', content: 'hi' }] }, { signal, requestId: 'req_t' });
  return { caller, call: (model, signal) => caller.run(model, attempt, signal ? { signal } : {}) };
}

const text = (r: ChatResult): string | null => r.choices[0]!.message.content;
const codes = (attempts: { model: string; error?: { code: string } }[]) => attempts.map((a) => `${a.model}:${a.error?.code ?? 'ok'}`);

describe('retries', () => {
  it('retries 5xx with backoff and answers from the same model', async () => {
    upA.queue({ kind: 'error', status: 500 }, { kind: 'error', status: 503 });
    const r = await harness().call('primary');
    expect(text(r.value)).toBe('from A');
    expect(r.model.name).toBe('primary');
    expect(codes(r.attempts)).toEqual(['primary:upstream_error', 'primary:upstream_error', 'primary:ok']);
    expect(upA.requests).toHaveLength(3);
  });

  it('never retries a caller fault (4xx) and never falls back on one', async () => {
    upA.queue({ kind: 'error', status: 400 });
    await expect(harness().call('primary')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(upA.requests).toHaveLength(1);
    expect(upB.requests).toHaveLength(0);
  });

  it("waits at least the upstream's Retry-After before retrying a 429", async () => {
    upA.queue({ kind: 'rate_limit', retryAfter: 1 });
    const t = performance.now();
    const r = await harness().call('patient');
    expect(performance.now() - t).toBeGreaterThanOrEqual(950);
    expect(codes(r.attempts)).toEqual(['patient:rate_limit_exceeded', 'patient:ok']);
  });

  it('fails over at once when Retry-After is longer than max_retry_after_ms', async () => {
    upA.queue({ kind: 'rate_limit', retryAfter: 30 });
    const t = performance.now();
    const r = await harness().call('impatient');
    expect(performance.now() - t).toBeLessThan(900);
    expect(r.model.name).toBe('backup');
    expect(codes(r.attempts)).toEqual(['impatient:rate_limit_exceeded', 'backup:ok']);
  });

  it('times out a hanging attempt (timeout_ms) and retries it', async () => {
    upA.queue({ kind: 'hang' });
    const t = performance.now();
    const r = await harness().call('primary');
    expect(performance.now() - t).toBeGreaterThanOrEqual(240);
    expect(r.attempts[0]!.error).toBeInstanceOf(UpstreamTimeoutError);
    expect(text(r.value)).toBe('from A');
    await upA.waitForDisconnects(1, 2_000); // the timed-out request was really cut
  });

  it('stops at once, without retry or fallback, when the client goes away', async () => {
    upA.setMode({ kind: 'hang' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new ClientClosedError('client gone')), 50);
    await expect(harness().call('primary', ac.signal)).rejects.toBeInstanceOf(ClientClosedError);
    expect(upA.requests).toHaveLength(1);
    expect(upB.requests).toHaveLength(0);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, fails fast with 503, probes half-open and recovers', async () => {
    const h = harness();
    upA.setMode({ kind: 'error', status: 500 });
    for (let i = 0; i < 2; i++) await expect(h.call('solo')).rejects.toMatchObject({ code: 'upstream_error', status: 502 });
    expect(upA.requests).toHaveLength(2);

    const open = await h.call('solo').catch((e: unknown) => e);
    expect(open).toBeInstanceOf(UpstreamUnavailableError);
    expect(open).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    expect(upA.requests).toHaveLength(2); // failed fast: the upstream was not called
    const solo = h.caller.health().find((u) => u.upstream === 'solo')!;
    expect(solo).toMatchObject({ breaker: 'open', requests: 2, failures: 2, errorRate: 1, lastError: { code: 'upstream_error' } });

    // Half-open probe that fails: open again, one more upstream request.
    await new Promise((r) => setTimeout(r, 170));
    await expect(h.call('solo')).rejects.toMatchObject({ status: 502 });
    expect(upA.requests).toHaveLength(3);
    await expect(h.call('solo')).rejects.toBeInstanceOf(UpstreamUnavailableError);

    // The upstream recovers: the next probe closes the circuit.
    upA.setMode({ kind: 'ok' });
    await new Promise((r) => setTimeout(r, 170));
    expect(text((await h.call('solo')).value)).toBe('from A');
    expect(h.caller.health().find((u) => u.upstream === 'solo')!.breaker).toBe('closed');
    expect(text((await h.call('solo')).value)).toBe('from A');
  });

  it('opens on a failure rate over a window (sampling breaker)', async () => {
    const h = harness(makeSpec({ solo: { provider: 'a', upstream: 'solo', circuit_breaker: { failure_rate: 0.5, window_ms: 1_000, half_open_after_ms: 10_000 } } }));
    upA.setMode({ kind: 'error', status: 502 });
    let opened = -1;
    for (let i = 0; i < 20 && opened < 0; i++) {
      const e = await h.call('solo').catch((x: unknown) => x);
      if (e instanceof UpstreamUnavailableError) opened = i;
    }
    expect(opened).toBeGreaterThan(0);
    expect(upA.requests).toHaveLength(opened);
  });

  it('counts timeouts against the circuit but not caller faults', async () => {
    const h = harness(makeSpec({ solo: { provider: 'a', upstream: 'solo', timeout_ms: 60, circuit_breaker: { consecutive_failures: 2, half_open_after_ms: 10_000 } } }));
    upA.queue({ kind: 'error', status: 400 }, { kind: 'error', status: 422 }, { kind: 'error', status: 400 });
    for (let i = 0; i < 3; i++) await expect(h.call('solo')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(h.caller.health().find((u) => u.upstream === 'solo')!.breaker).toBe('closed');
    upA.queue({ kind: 'hang' }, { kind: 'hang' });
    for (let i = 0; i < 2; i++) await expect(h.call('solo')).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await expect(h.call('solo')).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});

describe('fallback chains', () => {
  it('falls back across providers in order and says which model answered', async () => {
    upA.setMode({ kind: 'error', status: 500 });
    const r = await harness().call('primary');
    expect(r.model.name).toBe('backup');
    expect(text(r.value)).toBe('from B');
    expect(codes(r.attempts)).toEqual(['primary:upstream_error', 'primary:upstream_error', 'primary:upstream_error', 'backup:ok']);

    upB.setMode({ kind: 'error', status: 503 });
    const r2 = await harness().call('primary');
    expect(r2.model.name).toBe('sim-large');
    expect(r2.model.providerKind).toBe('sim');
    expect(r2.attempts.at(-1)).toMatchObject({ model: 'sim-large', provider: 'sim' });
  });

  it('skips a model whose circuit is open without calling it', async () => {
    const h = harness();
    upA.setMode({ kind: 'error', status: 500 });
    await h.call('primary'); // three failures open primary's circuit; backup answers
    const before = upA.requests.length;
    const r = await h.call('primary');
    expect(upA.requests.length).toBe(before);
    expect(r.model.name).toBe('backup');
    expect(codes(r.attempts)).toEqual(['primary:upstream_unavailable', 'backup:ok']);
  });

  it('502 naming every try when all models fail; 503 when every circuit is open', async () => {
    const h = harness(makeSpec({ primary: { provider: 'a', upstream: 'gpt-4o', circuit_breaker: { consecutive_failures: 1, half_open_after_ms: 10_000 }, fallbacks: ['backup'] } }));
    upA.setMode({ kind: 'error', status: 500 });
    upB.setMode({ kind: 'error', status: 500 });
    const e = (await h.call('primary').catch((x: unknown) => x)) as UpstreamError;
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.status).toBe(502);
    expect(e.details.attempts).toEqual([
      expect.objectContaining({ model: 'primary', code: 'upstream_error' }),
      expect.objectContaining({ model: 'backup', code: 'upstream_error' }),
    ]);
    await h.call('primary').catch(() => {}); // backup's second failure opens its circuit too
    const e2 = await h.call('primary').catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(UpstreamUnavailableError);
    expect((e2 as UpstreamUnavailableError).status).toBe(503);
  });

  it('skips fallbacks the caller may not use', async () => {
    upA.setMode({ kind: 'error', status: 500 });
    const spec = makeSpec();
    const providers = createProviders(spec);
    const caller = createResilientCaller(spec);
    const r = await caller.run(
      'primary',
      (m, signal) => providers.get(m.provider)!.chat({ model: m.upstream, messages: [{ role: 'user', content: 'hi' }] }, { signal, requestId: 'r' }),
      { filter: (m) => m.name !== 'backup' },
    );
    expect(r.model.name).toBe('sim-large');
    expect(upB.requests).toHaveLength(0);
  });

  it('a spec fallback must name a declared model', () => {
    const r = SpecSchema.safeParse({ providers: { s: { kind: 'sim' } }, models: { m: { provider: 's', fallbacks: ['nope'] } } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("fallback 'nope' is not a declared model or alias");
  });
});
