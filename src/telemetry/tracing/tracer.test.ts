import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../metering/usage-record.js';
import { OtlpReceiver } from '../../../test/support/otlp-receiver.js';
import { BatchSpanProcessor, finishRequestSpan, InMemorySpanExporter, OtlpHttpExporter, requestSpanName, requestStartAttributes, SpanKind, Tracer, tracerFromEnv } from './index.js';

const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function rec(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: 'req_1',
    ts: 1_700_000_000_000,
    tenant: 'acme',
    team: 'support',
    agent: 'triage',
    keyId: 'k1',
    session: 'sess-9',
    tags: {},
    route: 'chat',
    requestedModel: 'fast',
    model: 'gpt-4o-mini',
    provider: 'openai',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    stream: true,
    status: 200,
    errorCode: null,
    inputTokens: 120,
    outputTokens: 33,
    cachedTokens: 0,
    estimated: false,
    ttftMs: 80,
    latencyMs: 200,
    upstreamMs: 199.6,
    overheadMs: 0.4,
    costMicros: 2500,
    finishReason: 'stop',
    cache: 'miss',
    ...over,
  };
}

let rx: OtlpReceiver;
beforeEach(async () => {
  rx = await OtlpReceiver.start();
});
afterEach(async () => {
  await rx.close();
});

function envTracer(extra: Record<string, string> = {}, capturePayloads = false): { tracer: Tracer; errors: Error[] } {
  const errors: Error[] = [];
  const tracer = tracerFromEnv({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_BSP_SCHEDULE_DELAY: '20', ...extra }, capturePayloads, onError: (e) => errors.push(e) });
  return { tracer, errors };
}

/** One gateway-shaped request: request span, guardrails and upstream children. */
function runRequest(tracer: Tracer, traceparent?: string, err?: Error) {
  const r = rec(err ? { status: 502, errorCode: 'upstream_error' } : {});
  const span = tracer.startRequestSpan(requestSpanName(r.route, r.requestedModel), { traceparent, tracestate: 'rojo=00f067aa0ba902b7', attributes: requestStartAttributes({ ...r, id: r.id }) });
  span.capturePrompt([{ role: 'user', content: 'my secret prompt' }]);
  span.child('daca.guardrails.input').end();
  const up = span.child(`chat ${r.upstreamModel}`, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': r.upstreamModel }, { kind: SpanKind.CLIENT });
  const forwarded = up.traceparent();
  if (err) up.recordError(err);
  up.end();
  span.captureCompletion('the secret answer');
  finishRequestSpan(span, r, err ? { err } : { responseId: 'chatcmpl-123' });
  return { span, up, forwarded };
}

describe('Tracer with OTLP/HTTP export', () => {
  it('exports the request span and its children under the caller trace, with GenAI attributes', async () => {
    const { tracer, errors } = envTracer({ OTEL_SERVICE_NAME: 'daca-test', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret,x-tenant=acme', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test' });
    const { span, up, forwarded } = runRequest(tracer, CALLER);
    const spans = await rx.waitForSpans(3);
    await tracer.shutdown();
    expect(errors).toEqual([]);

    const root = spans.find((s) => s.spanId === span.spanId)!;
    const upstream = spans.find((s) => s.spanId === up.spanId)!;
    const guard = spans.find((s) => s.name === 'daca.guardrails.input')!;
    expect(root.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(root.parentSpanId).toBe('b7ad6b7169203331');
    expect(root.traceState).toBe('rojo=00f067aa0ba902b7');
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.name).toBe('chat fast');
    for (const child of [upstream, guard]) {
      expect(child.traceId).toBe(root.traceId);
      expect(child.parentSpanId).toBe(root.spanId);
    }
    expect(upstream.kind).toBe(SpanKind.CLIENT);
    expect(forwarded).toBe(`00-0af7651916cd43dd8448eb211c80319c-${upstream.spanId}-01`);
    expect(root.startTimeUnixNano <= upstream.startTimeUnixNano && upstream.endTimeUnixNano <= root.endTimeUnixNano).toBe(true);
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'fast',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 33,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.id': 'chatcmpl-123',
      'daca.cost_usd': 0.0025,
      'daca.agent': 'triage',
      'daca.team': 'support',
      'daca.tenant': 'acme',
      'daca.session': 'sess-9',
      'daca.request_id': 'req_1',
      'daca.stream': true,
    });
    expect(root.status.code).toBe(0);
    expect(root.resource).toMatchObject({ 'service.name': 'daca-test', 'deployment.environment': 'test', 'telemetry.sdk.language': 'nodejs' });
    expect(root.scope.name).toBe('daca');
    expect(rx.requests[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(rx.requests[0]!.headers['x-tenant']).toBe('acme');
    // no prompt or completion anywhere by default
    expect(root.events).toEqual([]);
    expect(JSON.stringify(spans, (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toMatch(/secret/);
  });

  it('starts a new trace without a traceparent, and records errors', async () => {
    const { tracer } = envTracer();
    const { span } = runRequest(tracer, undefined, Object.assign(new Error('upstream said 500'), { code: 'upstream_error' }));
    const spans = await rx.waitForSpans(3);
    await tracer.shutdown();
    const root = spans.find((s) => s.spanId === span.spanId)!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.traceState).toBeUndefined();
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(root.status).toEqual({ code: 2, message: 'upstream said 500' });
    expect(root.attributes['error.type']).toBe('upstream_error');
    expect(root.attributes['http.response.status_code']).toBe(502);
    expect(root.events.map((e) => e.name)).toEqual(['exception']);
    expect(root.events[0]!.attributes['exception.message']).toBe('upstream said 500');
  });

  it('records prompts and completions as events only when capturePayloads is on', async () => {
    const { tracer } = envTracer({}, true);
    const { span } = runRequest(tracer, CALLER);
    const spans = await rx.waitForSpans(3);
    await tracer.shutdown();
    const root = spans.find((s) => s.spanId === span.spanId)!;
    expect(root.events.map((e) => e.name)).toEqual(['gen_ai.content.prompt', 'gen_ai.content.completion']);
    expect(JSON.parse(root.events[0]!.attributes['gen_ai.prompt'] as string)).toEqual([{ role: 'user', content: 'my secret prompt' }]);
    expect(root.events[1]!.attributes['gen_ai.completion']).toBe('the secret answer');
    expect(Object.keys(root.attributes).some((k) => k.includes('prompt') || k.includes('completion'))).toBe(false);
  });

  it('batches: full batches go at once, the rest on the timer or at shutdown', async () => {
    const { tracer } = envTracer({ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4', OTEL_BSP_SCHEDULE_DELAY: '60000' });
    for (let i = 0; i < 10; i++) tracer.startRequestSpan(`s${i}`).end();
    await rx.waitForSpans(8);
    expect(rx.requests.map((r) => r.spanCount)).toEqual([4, 4]);
    await tracer.shutdown();
    expect(rx.requests.map((r) => r.spanCount)).toEqual([4, 4, 2]);
    expect(rx.spans.map((s) => s.name)).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`));
    tracer.startRequestSpan('after shutdown').end();
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.spans).toHaveLength(10);
  });

  it('exports on the schedule without a full batch', async () => {
    const { tracer } = envTracer({ OTEL_BSP_SCHEDULE_DELAY: '30' });
    tracer.startRequestSpan('lonely').end();
    await rx.waitForSpans(1, 2000);
    expect(rx.requests).toHaveLength(1);
    await tracer.shutdown();
  });

  it('retries a 503 and a 429 with backoff, honouring Retry-After', async () => {
    const errors: Error[] = [];
    const processor = new BatchSpanProcessor(new OtlpHttpExporter({ url: `${rx.url}/v1/traces`, resource: { 'service.name': 'daca' }, initialBackoffMs: 5 }), { scheduledDelayMs: 10, onError: (e) => errors.push(e) });
    const tracer = new Tracer({ processor });
    rx.failNext(1, 503);
    rx.failNext(1, 429, '0');
    tracer.startRequestSpan('retried').end();
    await rx.waitForSpans(1);
    expect(rx.requests.map((r) => r.status)).toEqual([503, 429, 200]);
    await tracer.forceFlush(); // the receiver has the spans before the exporter has its answer
    expect(errors).toEqual([]);
    expect(processor.exported).toBe(1);
    await tracer.shutdown();
  });

  it('gives up after maxAttempts and on a 400, reporting and never throwing', async () => {
    const errors: Error[] = [];
    const processor = new BatchSpanProcessor(new OtlpHttpExporter({ url: `${rx.url}/v1/traces`, resource: { 'service.name': 'daca' }, initialBackoffMs: 1, maxAttempts: 3 }), { scheduledDelayMs: 10, onError: (e) => errors.push(e) });
    const tracer = new Tracer({ processor });
    rx.failNext(3, 503);
    tracer.startRequestSpan('lost').end();
    await tracer.forceFlush();
    expect(rx.requests.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(errors[0]!.message).toMatch(/503.*after 3 attempts/);
    rx.failNext(1, 400);
    tracer.startRequestSpan('rejected').end();
    await tracer.forceFlush();
    expect(rx.requests.map((r) => r.status)).toEqual([503, 503, 503, 400]);
    expect(errors[1]!.message).toMatch(/400.*not retried/);
    expect(processor.failed).toBe(2);
    await tracer.shutdown();
  });

  it('survives an unreachable receiver', async () => {
    const errors: Error[] = [];
    await rx.close();
    const tracer = new Tracer({ processor: new BatchSpanProcessor(new OtlpHttpExporter({ url: `${rx.url}/v1/traces`, resource: {}, initialBackoffMs: 1, maxAttempts: 2 }), { onError: (e) => errors.push(e) }) });
    tracer.startRequestSpan('nowhere').end();
    await tracer.shutdown();
    expect(errors[0]!.message).toMatch(/failed: .*ECONNREFUSED.*after 2 attempts/);
    rx = await OtlpReceiver.start(); // for afterEach
  });
});

describe('Tracer without export', () => {
  it('is a no-op when no endpoint is set but still propagates the caller traceparent', () => {
    const tracer = tracerFromEnv({ env: {} });
    expect(tracer.enabled).toBe(false);
    const span = tracer.startRequestSpan('chat x', { traceparent: CALLER, tracestate: 'rojo=1' });
    expect(span.recording).toBe(false);
    expect(span.child('upstream').traceparent()).toBe(CALLER);
    expect(span.tracestate()).toBe('rojo=1');
    const bare = tracer.startRequestSpan('chat x');
    expect(bare.traceparent()).toBeUndefined();
    expect(bare.child('a')).toBe(bare);
    expect(tracer.startRequestSpan('chat x', { traceparent: 'garbage' }).traceparent()).toBeUndefined();
  });

  it.each([{ OTEL_SDK_DISABLED: 'true' }, { OTEL_TRACES_EXPORTER: 'none' }])('is disabled by %o even with an endpoint', (env) => {
    expect(tracerFromEnv({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', ...env } }).enabled).toBe(false);
  });

  it('honours an unsampled caller: nothing recorded, context forwarded unchanged', async () => {
    const mem = new InMemorySpanExporter();
    const tracer = new Tracer({ processor: new BatchSpanProcessor(mem) });
    const unsampled = CALLER.replace(/01$/, '00');
    const span = tracer.startRequestSpan('chat x', { traceparent: unsampled });
    expect(span.recording).toBe(false);
    expect(span.child('up').traceparent()).toBe(unsampled);
    span.end();
    tracer.startRequestSpan('sampled').end();
    await tracer.forceFlush();
    expect(mem.finished.map((s) => s.name)).toEqual(['sampled']);
  });

  it('drops the oldest spans when the queue is full, and counts them', async () => {
    const mem = new InMemorySpanExporter();
    const errors: Error[] = [];
    const processor = new BatchSpanProcessor(mem, { maxQueueSize: 4, maxExportBatchSize: 4, scheduledDelayMs: 60_000, onError: (e) => errors.push(e) });
    const tracer = new Tracer({ processor });
    for (let i = 0; i < 10; i++) tracer.startRequestSpan(`s${i}`).end();
    expect(processor.dropped).toBe(6);
    expect(errors).toHaveLength(1);
    await tracer.shutdown();
    expect(mem.finished.map((s) => s.name)).toEqual(['s6', 's7', 's8', 's9']);
  });

  it('keeps exporting after a scheduled flush finds the queue already drained', async () => {
    const mem = new InMemorySpanExporter();
    const processor = new BatchSpanProcessor(mem, { maxExportBatchSize: 4, scheduledDelayMs: 10 });
    const tracer = new Tracer({ processor });
    for (let i = 0; i < 4; i++) tracer.startRequestSpan(`a${i}`).end(); // arms the timer, then a full batch goes at once
    await new Promise((r) => setTimeout(r, 40)); // the timer fires on an empty queue
    expect(mem.finished).toHaveLength(4);
    tracer.startRequestSpan('later').end();
    await new Promise((r) => setTimeout(r, 60));
    expect(mem.finished.map((s) => s.name)).toContain('later');
    await tracer.shutdown();
  });

  it('uses the injected clock and ignores calls after end', async () => {
    let t = 1_700_000_000_000.5;
    const mem = new InMemorySpanExporter();
    const tracer = new Tracer({ processor: new BatchSpanProcessor(mem), now: () => t });
    const s = tracer.startRequestSpan('timed');
    t += 12.25;
    s.end();
    s.setAttribute('late', true).end();
    await tracer.forceFlush();
    expect(mem.finished).toHaveLength(1);
    expect(mem.finished[0]!.endTimeMs - mem.finished[0]!.startTimeMs).toBe(12.25);
    expect(mem.finished[0]!.attributes).not.toHaveProperty('late');
  });
});
