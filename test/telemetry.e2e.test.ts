/**
 * Metrics and traces of real gateway traffic: `/metrics` parsed as Prometheus text and checked
 * against known calls; spans received by a local OTLP/HTTP receiver, joined to the caller's trace,
 * with the upstream call as a child whose traceparent reached the upstream.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../src/server/serve.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from './support/fake-openai-upstream.js';
import { startTestDaca } from './support/in-process-daca.js';
import { OtlpReceiver } from './support/otlp-receiver.js';
import { histogramsOf, parsePrometheusText } from './support/prom-parse.js';

let rx: OtlpReceiver;
let up: FakeOpenAIUpstream;
let daca: RunningDaca;
let client: OpenAI;
const KEY = 'dk-telemetry-test-key-0000000000';

beforeAll(async () => {
  rx = await OtlpReceiver.start();
  up = await startFakeOpenAIUpstream({ reply: 'Hello from upstream.' });
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = rx.url;
  try {
    daca = await startTestDaca(`
providers:
  sim: { kind: sim }
  oai: { kind: openai, base_url: "${up.url}/v1" }
models:
  small: { provider: sim, upstream: sim-small, price: { input: 1, output: 2 } }
  gpt: { provider: oai, upstream: gpt-4o-mini, price: { input: 1, output: 2 } }
teams: { ops: { tenant: acme } }
tenants: { acme: {} }
agents: { watcher: { team: ops } }
keys:
  k: { value: "${KEY}", agent: watcher }
`);
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  }
  client = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await daca?.close();
  await rx?.close();
  await up?.close();
});

const ask = [{ role: 'user' as const, content: 'Say hello.' }];

describe('Prometheus /metrics', () => {
  it('counts known traffic with GenAI names', async () => {
    const a = await client.chat.completions.create({ model: 'small', messages: ask });
    const b = await client.chat.completions.create({ model: 'small', messages: ask });
    await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'x [sim:fail=500]' }] }).catch(() => null);
    const text = await (await fetch(`${daca.url}/metrics`)).text();
    const fams = parsePrometheusText(text);
    const tokens = fams.get('gen_ai_client_token_usage')!;
    expect(tokens.type).toBe('histogram');
    const input = histogramsOf(tokens).find((h) => h.labels.gen_ai_token_type === 'input' && h.labels.gen_ai_request_model === 'small' && h.labels.team === 'ops')!;
    expect(input.histogram.sum).toBe(a.usage!.prompt_tokens + b.usage!.prompt_tokens);
    expect(input.histogram.count).toBe(2);
    const dur = fams.get('gen_ai_client_operation_duration_seconds')!;
    expect(histogramsOf(dur).reduce((n, h) => n + h.histogram.count, 0)).toBeGreaterThanOrEqual(3);
    const reqs = fams.get('daca_requests_total')!;
    const ok = reqs.samples.filter((s) => s.labels.status === '200' && s.labels.gen_ai_request_model === 'small').reduce((n, s) => n + s.value, 0);
    const failed = reqs.samples.filter((s) => s.labels.status === '502').reduce((n, s) => n + s.value, 0);
    expect(ok).toBe(2);
    expect(failed).toBe(1);
    const cost = fams.get('daca_cost_usd_total')!.samples.reduce((n, s) => n + s.value, 0);
    const expected = (a.usage!.prompt_tokens + b.usage!.prompt_tokens) * 1e-6 + (a.usage!.completion_tokens + b.usage!.completion_tokens) * 2e-6;
    expect(cost).toBeCloseTo(expected, 9);
    expect(fams.has('gen_ai_server_time_to_first_token_seconds')).toBe(true);
    const upGauge = fams.get('daca_upstream_up')!.samples.find((s) => s.labels.gen_ai_provider_name === 'sim');
    expect(upGauge?.value).toBe(1);
  });
});

describe('OpenTelemetry traces', () => {
  it('joins the caller\'s trace, nests the upstream call and forwards its traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    await client.chat.completions.create({ model: 'gpt', messages: ask }, { headers: { traceparent: `00-${traceId}-${parent}-01`, 'x-daca-session': 'trace-s' } });
    await daca.services.tracer.forceFlush();
    await rx.waitForSpans(2);
    const spans = rx.spans.filter((s) => s.traceId === traceId);
    const root = spans.find((s) => s.parentSpanId === parent)!;
    expect(root.name).toBe('chat gpt');
    expect(root.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt', 'daca.agent': 'watcher', 'daca.team': 'ops', 'daca.session': 'trace-s' });
    expect(Number(root.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
    expect(root.attributes['daca.cost_usd']).toBeDefined();
    const child = spans.find((s) => s.parentSpanId === root.spanId)!;
    expect(child.name).toBe('chat gpt-4o-mini');
    // The upstream received the child span's context.
    const sent = up.requests.at(-1)!.headers.traceparent as string;
    expect(sent).toBe(`00-${traceId}-${child.spanId}-01`);
    // No prompt content is exported by default.
    expect(JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('Say hello');
  });

  it('records failed calls as errored spans', async () => {
    await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'boom [sim:fail=500]' }] }).catch(() => null);
    await daca.services.tracer.forceFlush();
    await rx.waitForSpans(rx.spans.length);
    const failed = rx.spans.filter((s) => s.status.code === 2);
    expect(failed.length).toBeGreaterThan(0);
  });
});
