/**
 * Circuit breaker and fallback through daca, with the openai SDK, against a local OpenAI-compatible
 * upstream that fails (500), times out (hangs past the per-attempt timeout) and recovers.
 *
 * `primary` (on the fake upstream) falls back to `backup` (sim); `solo` is served by the same
 * upstream (so it shares the breaker) but has no fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../../src/server/serve.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../support/fake-openai-upstream.js';
import { startTestDaca, TEST_ADMIN_KEY } from '../support/in-process-daca.js';
import { outcome, sdk, until, type CallOutcome } from './fleet.js';

const KEY = 'sk-resilience-bot-0123456789abcdef';
const HALF_OPEN_MS = 400;
const spec = (upstreamUrl: string): string => `version: 1
server: { dev_key: false }
providers:
  up: { kind: openai, base_url: "${upstreamUrl}/v1", api_key: sk-upstream-test }
  sim: { kind: sim }
models:
  primary:
    provider: up
    upstream: gpt-4o-mini
    price: { input: 0.15, output: 0.6 }
    fallbacks: [backup]
    retry: { max_retries: 1, initial_delay_ms: 5, max_delay_ms: 20 }
    circuit_breaker: { consecutive_failures: 3, half_open_after_ms: ${HALF_OPEN_MS} }
    timeout_ms: 300
  solo: { provider: up, upstream: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }
  backup: { provider: sim, price: { input: 0.15, output: 0.6 } }
tenants: { acme: {} }
teams: { ops: { tenant: acme } }
agents: { bot: { team: ops } }
keys:
  bot: { value: ${KEY}, agent: bot }
`;

let up: FakeOpenAIUpstream;
let daca: RunningDaca;

const ask = (model: string): Promise<CallOutcome> =>
  outcome(() => sdk(daca.url, KEY).chat.completions.create({ model, max_tokens: 20, messages: [{ role: 'user', content: 'What is the capital of France?' }] }).withResponse());

interface ProvidersBody {
  data: { name: string; status: string; upstreams: { upstream: string; models: string[]; breaker: string; failures: number; last_error: { code: string } | null }[] }[];
}

async function breaker(): Promise<ProvidersBody['data'][number]['upstreams'][number] & { status: string }> {
  const r = await fetch(`${daca.url}/api/providers`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  const p = ((await r.json()) as ProvidersBody).data.find((d) => d.name === 'up')!;
  return { ...p.upstreams[0]!, status: p.status };
}

beforeAll(async () => {
  up = await startFakeOpenAIUpstream({ reply: 'Paris is the capital of France.' });
  daca = await startTestDaca(spec(up.url));
});
afterAll(async () => {
  await daca?.close();
  await up?.close();
});

describe('circuit breaker and fallback against a failing, hanging, recovering upstream', () => {
  it('answers from the primary while the upstream is healthy', async () => {
    const o = await ask('primary');
    expect(o.status).toBe(200);
    expect(o.headers.get('x-daca-model')).toBe('primary');
    expect(await breaker()).toMatchObject({ upstream: 'gpt-4o-mini', models: ['primary', 'solo'], breaker: 'closed', status: 'up' });
  });

  it('falls back to the backup while the upstream fails, and opens the circuit after 3 failures in a row', async () => {
    up.setMode({ kind: 'error', status: 500 });
    const before = up.requests.length;
    const first = await ask('primary'); // try + 1 retry fail, then backup answers
    expect(first.status).toBe(200);
    expect(first.headers.get('x-daca-model')).toBe('backup');
    expect(up.requests.length - before).toBe(2);
    const second = await ask('primary'); // third failure opens the circuit; the retry is refused by it
    expect(second.headers.get('x-daca-model')).toBe('backup');
    expect(up.requests.length - before).toBe(3);
    expect(await breaker()).toMatchObject({ breaker: 'open', status: 'down', last_error: expect.objectContaining({ code: 'upstream_error' }) });

    // Open: calls skip the upstream entirely and the SDK still gets an answer, streamed too.
    const third = await ask('primary');
    expect(third.status).toBe(200);
    expect(third.headers.get('x-daca-model')).toBe('backup');
    const { data: stream, response } = await sdk(daca.url, KEY).chat.completions.create({ model: 'primary', stream: true, messages: [{ role: 'user', content: 'Stream a short answer.' }] }).withResponse();
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(response.headers.get('x-daca-model')).toBe('backup');
    expect(up.requests.length - before).toBe(3);
  });

  it('with no fallback, an open circuit is 503 upstream_unavailable', async () => {
    const o = await ask('solo');
    expect({ status: o.status, code: o.code }).toEqual({ status: 503, code: 'upstream_unavailable' });
    expect(String(o.error?.message)).toContain('circuit of upstream up/gpt-4o-mini');
  });

  it('probes half-open after the break; a probe that times out re-opens the circuit; a good probe closes it', async () => {
    // The next request that reaches the upstream (the half-open probe) hangs past timeout_ms.
    up.setMode({ kind: 'ok' });
    up.queue({ kind: 'hang' });
    const before = up.requests.length;
    const calls: Promise<CallOutcome>[] = [];
    await until('the half-open probe to reach the upstream', async () => {
      calls.push(ask('primary'));
      return up.requests.length > before ? true : undefined;
    }, 3000, 50);
    const probing = await until('half_open in /api/providers', async () => {
      const b = await breaker();
      return b.breaker === 'half_open' ? b : undefined;
    }, 1000, 10);
    expect(probing.status).toBe('degraded');
    for (const o of await Promise.all(calls)) {
      expect(o.status).toBe(200);
      expect(o.headers.get('x-daca-model')).toBe('backup');
    }
    expect((await breaker()).breaker).toBe('open');

    // Recovered upstream: after the next break, the probe succeeds and the circuit closes.
    const answered = await until('the primary to answer again', async () => {
      const o = await ask('primary');
      expect(o.status).toBe(200);
      return o.headers.get('x-daca-model') === 'primary' ? o : undefined;
    }, 3000, 50);
    expect(answered.status).toBe(200);
    expect(await breaker()).toMatchObject({ breaker: 'closed', status: 'up' });
    expect((await ask('solo')).status).toBe(200);
  });
});
