/**
 * Provider prompt caching through the gateway: Anthropic `cache_control` reaches the upstream, and
 * the cached and written tokens it reports are metered at the cached-input and cache-write prices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../../test/support/fake-anthropic-upstream.js';
import { post, startTestDaca } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';

const KEY = 'dk-cost-prompt-cache-0123456789ab';
let up: FakeAnthropicUpstream;
let daca: RunningDaca;

beforeAll(async () => {
  up = await startFakeAnthropicUpstream({ reply: 'Our return window is 30 days.', apiKey: 'sk-ant-test', cacheReadTokens: 1800, cacheCreationTokens: 200 });
  daca = await startTestDaca(`
providers:
  claude: { kind: anthropic, base_url: "${up.url}/v1", api_key: sk-ant-test }
models:
  sonnet: { provider: claude, upstream: claude-sonnet-4-5, price: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 } }
tenants: { acme: {} }
teams: { care: { tenant: acme } }
agents: { support: { team: care } }
keys: { support: { value: "${KEY}", agent: support } }
`);
});
afterAll(async () => {
  await daca?.close();
  await up?.close();
});

const LONG_POLICY = 'Returns policy. '.repeat(200);

describe('provider prompt caching', () => {
  it('passes cache_control through and meters cached and written tokens at their prices', async () => {
    const res = await post(`${daca.url}/v1/messages`, KEY, {
      model: 'sonnet',
      max_tokens: 100,
      system: [{ type: 'text', text: LONG_POLICY, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'What is the return window?' }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { usage: { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number; output_tokens: number } };
    expect(body.usage.cache_read_input_tokens).toBe(1800);
    expect(body.usage.cache_creation_input_tokens).toBe(200);

    const sent = up.requests.at(-1)!.body as { system: { text: string; cache_control?: { type: string } }[] };
    expect(sent.system[0]!.cache_control).toEqual({ type: 'ephemeral' });

    await daca.services.recorder.flush();
    const rec = (await daca.services.store.usage.get(res.headers.get('x-daca-request-id')!))!;
    expect(rec.cachedTokens).toBe(1800);
    const fresh = rec.inputTokens - 1800 - 200;
    expect(fresh).toBeGreaterThan(0);
    const expected = Math.round(fresh * 3 + 1800 * 0.3 + 200 * 3.75 + rec.outputTokens * 15);
    expect(rec.costMicros).toBe(expected);
    expect(Number(res.headers.get('x-daca-cost-usd'))).toBeCloseTo(expected / 1e6, 6);
    // The cost report shows the cached tokens' share of the spend.
    const usage = await daca.services.store.usage.query({ groupBy: ['agent'] });
    expect(usage.groups[0]!.cachedTokens).toBe(1800);
  });

  it('an OpenAI-shaped request to an Anthropic model carries cache_control on content parts', async () => {
    const res = await post(`${daca.url}/v1/chat/completions`, KEY, {
      model: 'sonnet',
      messages: [
        { role: 'system', content: [{ type: 'text', text: LONG_POLICY, cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: 'What is the return window?' },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { usage: { prompt_tokens: number; cached_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } } };
    // Shown to the client (today as `usage.cached_tokens`; OpenAI clients read `prompt_tokens_details.cached_tokens`).
    expect(body.usage.prompt_tokens_details?.cached_tokens ?? body.usage.cached_tokens).toBe(1800);
    const sent = up.requests.at(-1)!.body as { system: { cache_control?: { type: string } }[] };
    expect(sent.system[0]!.cache_control).toEqual({ type: 'ephemeral' });
  });
});
