import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../metering/usage-record.js';
import { findHistogram, parsePrometheusText, sumSamples } from '../../test/support/prom-parse.js';
import { GatewayMetrics } from './metrics.js';

let n = 0;
function rec(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: `req_${n++}`,
    ts: 1_700_000_000_000,
    tenant: 'acme',
    team: 'support',
    agent: 'triage',
    keyId: 'k1',
    session: null,
    tags: {},
    route: 'chat',
    requestedModel: 'fast',
    model: 'gpt-4o-mini',
    provider: 'openai',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    stream: false,
    status: 200,
    errorCode: null,
    inputTokens: 100,
    outputTokens: 20,
    cachedTokens: 0,
    estimated: false,
    ttftMs: 150,
    latencyMs: 300,
    upstreamMs: 299.7,
    overheadMs: 0.3,
    costMicros: 1234,
    finishReason: 'stop',
    cache: 'miss',
    ...over,
  };
}

async function scrape(m: GatewayMetrics) {
  return parsePrometheusText(await m.render());
}

describe('GatewayMetrics', () => {
  it('renders known traffic with GenAI names, values and buckets', async () => {
    const m = new GatewayMetrics();
    m.observe(rec());
    m.observe(rec({ inputTokens: 5000, outputTokens: 1, cachedTokens: 4096, costMicros: 766, latencyMs: 1500, ttftMs: 90, cache: 'hit' }));
    m.observe(rec({ status: 429, errorCode: 'rate_limit_exceeded', inputTokens: 0, outputTokens: 0, costMicros: 0, ttftMs: null, latencyMs: 2 }));
    m.observe(rec({ route: 'embeddings', requestedModel: 'embed', upstreamModel: 'text-embedding-3-small', inputTokens: 8, outputTokens: 0, ttftMs: 40, latencyMs: 40 }));
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const f = await scrape(m);

    const base = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'fast', gen_ai_response_model: 'gpt-4o-mini-2024-07-18', tenant: 'acme', team: 'support' };
    const tokens = f.get('gen_ai_client_token_usage')!;
    expect(tokens.type).toBe('histogram');
    const input = findHistogram(tokens, { ...base, gen_ai_token_type: 'input' })!;
    expect(input.count).toBe(2); // the 429 with no tokens is not a token observation
    expect(input.sum).toBe(5100);
    expect(input.buckets.find((b) => b.le === 256)!.count).toBe(1);
    expect(input.buckets.find((b) => b.le === 4096)!.count).toBe(1);
    expect(input.buckets.find((b) => b.le === 16384)!.count).toBe(2);
    expect(findHistogram(tokens, { ...base, gen_ai_token_type: 'output' })!.sum).toBe(21);
    const emb = { ...base, gen_ai_operation_name: 'embeddings', gen_ai_request_model: 'embed', gen_ai_response_model: 'text-embedding-3-small' };
    expect(findHistogram(tokens, { ...emb, gen_ai_token_type: 'input' })!.sum).toBe(8);
    expect(findHistogram(tokens, { ...emb, gen_ai_token_type: 'output' })).toBeUndefined();

    const dur = f.get('gen_ai_client_operation_duration_seconds')!;
    // two chat series (ok, and the 429 with error_type): check them apart
    const ok = dur.samples.filter((s) => s.name.endsWith('_count') && s.labels.gen_ai_operation_name === 'chat' && s.labels.error_type === undefined);
    expect(ok.map((s) => s.value)).toEqual([2]);
    const errDur = findHistogram(dur, { ...base, error_type: 'rate_limit_exceeded' })!;
    expect(errDur.count).toBe(1);
    expect(errDur.buckets[0]).toEqual({ le: 0.01, count: 1 });
    expect(dur.samples.find((s) => s.name.endsWith('_bucket') && s.labels.le === '81.92')).toBeDefined();

    const ttft = findHistogram(f.get('gen_ai_server_time_to_first_token_seconds'), base)!;
    expect(ttft.count).toBe(2);
    expect(ttft.sum).toBeCloseTo(0.24, 10);

    const req = f.get('daca_requests_total')!;
    expect(req.type).toBe('counter');
    expect(sumSamples(req)).toBe(4);
    expect(sumSamples(req, { status: '200' })).toBe(3);
    expect(sumSamples(req, { status: '429', error_code: 'rate_limit_exceeded' })).toBe(1);
    expect(sumSamples(f.get('daca_errors_total'), { error_type: 'rate_limit_exceeded' })).toBe(1);
    expect(sumSamples(f.get('daca_errors_total'))).toBe(1);
    expect(sumSamples(f.get('daca_cost_usd_total'), base)).toBe(0.002);
    expect(sumSamples(f.get('daca_cost_usd_total'))).toBe(0.003234);
    expect(sumSamples(f.get('daca_cached_tokens_total'))).toBe(4096);
    expect(sumSamples(f.get('daca_cache_requests_total'))).toBe(4);
    expect(sumSamples(f.get('daca_cache_hits_total'))).toBe(1);
    const over = findHistogram(f.get('daca_gateway_overhead_seconds'), base)!;
    expect(over.count).toBe(3);
    expect(over.buckets.find((b) => b.le === 0.0005)!.count).toBe(3);
    expect(f.get('gen_ai_client_token_usage')!.help).toMatch(/token/);
  });

  it('labels agents only when asked, and teams/tenants unless turned off', async () => {
    const off = new GatewayMetrics({ perTeamLabels: false, perTenantLabels: false });
    off.observe(rec());
    const a = (await scrape(off)).get('daca_requests_total')!.samples[0]!.labels;
    expect(a).not.toHaveProperty('team');
    expect(a).not.toHaveProperty('tenant');
    expect(a).not.toHaveProperty('agent');

    const on = new GatewayMetrics({ perAgentLabels: true });
    on.observe(rec({ agent: 'triage' }));
    on.observe(rec({ agent: 'refunds' }));
    const f = await scrape(on);
    expect(sumSamples(f.get('daca_requests_total'), { agent: 'refunds', team: 'support', tenant: 'acme' })).toBe(1);
    expect(f.get('daca_requests_total')!.samples).toHaveLength(2);
  });

  it('bounds label cardinality: values past maxLabelValues become "other"', async () => {
    const m = new GatewayMetrics({ maxLabelValues: 3 });
    for (let i = 0; i < 50; i++) m.observe(rec({ requestedModel: `junk-${i}`, costMicros: 1 }));
    m.observe(rec({ requestedModel: 'junk-1', costMicros: 1 })); // an admitted value keeps its own series
    const f = await scrape(m);
    const models = new Set(f.get('daca_requests_total')!.samples.map((s) => s.labels.gen_ai_request_model));
    expect(models).toEqual(new Set(['junk-0', 'junk-1', 'junk-2', 'other']));
    expect(sumSamples(f.get('daca_requests_total'), { gen_ai_request_model: 'other' })).toBe(47);
    expect(sumSamples(f.get('daca_requests_total'), { gen_ai_request_model: 'junk-1' })).toBe(2);
    expect(sumSamples(f.get('daca_cost_usd_total'))).toBe(0.000051);
    expect(sumSamples(f.get('daca_metrics_label_overflow_total'))).toBe(47);
    expect(m.seriesCount).toBe(4);
  });

  it('escapes hostile label values so the exposition stays parseable', async () => {
    const m = new GatewayMetrics();
    m.observe(rec({ requestedModel: 'a"b\\c\nd' }));
    const f = await scrape(m);
    expect(sumSamples(f.get('daca_requests_total'), { gen_ai_request_model: 'a"b\\c\nd' })).toBe(1);
  });

  it('counts upstream calls and health per provider', async () => {
    const m = new GatewayMetrics({ maxLabelValues: 2 });
    m.observeUpstream('openai', true);
    m.observeUpstream('openai', true);
    m.observeUpstream('openai', false);
    m.observeUpstream('anthropic', false);
    m.observeUpstream('third', true);
    m.setUpstreamHealth('openai', true);
    m.setUpstreamHealth('anthropic', false);
    const f = await scrape(m);
    const up = f.get('daca_upstream_requests_total');
    expect(sumSamples(up, { gen_ai_provider_name: 'openai', outcome: 'ok' })).toBe(2);
    expect(sumSamples(up, { gen_ai_provider_name: 'openai', outcome: 'error' })).toBe(1);
    expect(sumSamples(up, { gen_ai_provider_name: 'other', outcome: 'ok' })).toBe(1);
    expect(f.get('daca_upstream_up')!.type).toBe('gauge');
    expect(sumSamples(f.get('daca_upstream_up'), { gen_ai_provider_name: 'openai' })).toBe(1);
    expect(sumSamples(f.get('daca_upstream_up'), { gen_ai_provider_name: 'anthropic' })).toBe(0);
    expect(f.get('daca_upstream_up')!.samples).toHaveLength(2);
  });

  it('uses its own registry, can add process metrics, and resets', async () => {
    const a = new GatewayMetrics({ processMetrics: true });
    const b = new GatewayMetrics();
    a.observe(rec());
    const fa = await scrape(a);
    expect(fa.has('process_cpu_user_seconds_total')).toBe(true);
    expect((await scrape(b)).has('process_cpu_user_seconds_total')).toBe(false);
    expect(sumSamples((await scrape(b)).get('daca_requests_total'))).toBe(0);
    a.registry.resetMetrics();
    expect(sumSamples((await scrape(a)).get('daca_requests_total'))).toBe(0);
  });

  it('exposes values to prom-client JSON consumers with labels folded in', async () => {
    const m = new GatewayMetrics();
    m.observe(rec());
    const json = await m.registry.getMetricsAsJSON();
    const h = json.find((x) => x.name === 'gen_ai_client_token_usage')!;
    expect(h.values.some((v) => v.labels.le === '+Inf' && v.labels.gen_ai_token_type === 'input' && v.value === 1)).toBe(true);
  });
});
