/**
 * Micro-benchmark of the gateway's telemetry hot path: ns per `GatewayMetrics.observe()` and per
 * request-span lifecycle (start + 2 children + GenAI attributes + end + enqueue), with tracing on
 * and off. Baselines measured in the same run: prom-client's own metrics updated through cached
 * `labels()` children (the same updates `observe` makes), and the @opentelemetry/api no-op tracer
 * doing the same span lifecycle. Also the background cost of OTLP/JSON encoding per span.
 *
 * Run: `npm run build && node dist/bench/telemetry.js`. Prints a table, then one JSON line.
 */
import { context, trace } from '@opentelemetry/api';
import { Counter, Histogram, Registry } from 'prom-client';
import type { UsageRecord } from '../src/metering/usage-record.js';
import { GatewayMetrics } from '../src/telemetry/metrics.js';
import { BatchSpanProcessor, type ExportResult } from '../src/telemetry/tracing/batch-processor.js';
import { finishRequestSpan, requestSpanName, requestStartAttributes } from '../src/telemetry/tracing/genai-attributes.js';
import { encodeTracesJson } from '../src/telemetry/tracing/otlp-json.js';
import { SpanKind, type SpanData } from '../src/telemetry/tracing/span.js';
import { Tracer } from '../src/telemetry/tracing/tracer.js';
import { quantileFloorIndex } from '../src/util/quantiles.js';

const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function records(n: number): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (let i = 0; i < n; i++)
    out.push({
      id: `req_${i.toString(16).padStart(32, '0')}`,
      ts: Date.now(),
      tenant: `tenant-${i % 3}`,
      team: `team-${i % 8}`,
      agent: `agent-${i % 32}`,
      keyId: 'k',
      session: `s-${i}`,
      tags: {},
      route: i % 10 === 0 ? 'embeddings' : 'chat',
      requestedModel: `model-${i % 4}`,
      model: `model-${i % 4}`,
      provider: i % 2 ? 'openai' : 'anthropic',
      upstreamModel: `upstream-${i % 4}`,
      stream: i % 2 === 0,
      status: i % 50 === 0 ? 429 : 200,
      errorCode: i % 50 === 0 ? 'rate_limit_exceeded' : null,
      inputTokens: 100 + (i % 900),
      outputTokens: 10 + (i % 300),
      cachedTokens: i % 5 === 0 ? 64 : 0,
      estimated: false,
      ttftMs: 50 + (i % 200),
      latencyMs: 300 + (i % 1000),
      upstreamMs: 299.6 + (i % 1000),
      overheadMs: 0.4,
      costMicros: 1000 + i,
      finishReason: 'stop',
      cache: i % 7 === 0 ? 'hit' : 'miss',
    });
  return out;
}

/** Median ns per op over `rounds` timed runs of `n` ops. */
async function measure(n: number, rounds: number, op: (i: number) => void, between?: () => Promise<void>): Promise<number> {
  for (let i = 0; i < Math.min(n, 20_000); i++) {
    op(i); // warm-up
    if (between && i % 500 === 499) await between();
  }
  if (between) await between();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let total = 0n;
    for (let done = 0; done < n; ) {
      const chunk = Math.min(500, n - done);
      const t = process.hrtime.bigint();
      for (let i = 0; i < chunk; i++) op(done + i);
      total += process.hrtime.bigint() - t;
      done += chunk;
      if (between) await between();
    }
    samples.push(Number(total) / n);
  }
  // The upper median of the rounds.
  return quantileFloorIndex(samples, 0.5) ?? NaN;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

async function main(): Promise<void> {
  const recs = records(1024);
  const mask = recs.length - 1;

  // metrics: ours
  const metrics = new GatewayMetrics({ perAgentLabels: true });
  const observeNs = await measure(200_000, 7, (i) => metrics.observe(recs[i & mask]!));

  // metrics: prom-client baseline with cached label children, same updates
  const reg = new Registry();
  const L = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'tenant', 'team', 'agent'];
  const tok = new Histogram({ name: 't', help: 't', labelNames: [...L, 'gen_ai_token_type'], buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864], registers: [reg] });
  const dur = new Histogram({ name: 'd', help: 'd', labelNames: [...L, 'error_type'], buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92], registers: [reg] });
  const ttft = new Histogram({ name: 'f', help: 'f', labelNames: L, registers: [reg] });
  const ovh = new Histogram({ name: 'o', help: 'o', labelNames: L, registers: [reg] });
  const cnt = ['r', 'c', 'k', 'q', 'h'].map((n) => new Counter({ name: n, help: n, labelNames: [...L, 'status'], registers: [reg] }));
  const children = recs.map((r) => {
    const v = [r.route === 'embeddings' ? 'embeddings' : 'chat', r.provider, r.requestedModel, r.upstreamModel, r.tenant, r.team, r.agent];
    return { ti: tok.labels(...v, 'input'), to: tok.labels(...v, 'output'), d: dur.labels(...v, r.errorCode ?? ''), f: ttft.labels(...v), o: ovh.labels(...v), c: cnt.map((c) => c.labels(...v, String(r.status))) };
  });
  const promNs = await measure(200_000, 7, (i) => {
    const r = recs[i & mask]!;
    const c = children[i & mask]!;
    c.c[0]!.inc();
    c.d.observe(r.latencyMs / 1000);
    c.o.observe(r.overheadMs / 1000);
    c.ti.observe(r.inputTokens);
    if (r.route !== 'embeddings') c.to.observe(r.outputTokens);
    if (r.ttftMs !== null) c.f.observe(r.ttftMs / 1000);
    c.c[1]!.inc(r.costMicros / 1e6);
    c.c[2]!.inc(r.cachedTokens);
    c.c[3]!.inc();
    if (r.cache === 'hit') c.c[4]!.inc();
  });
  const renderT = process.hrtime.bigint();
  const text = await metrics.render();
  const renderMs = Number(process.hrtime.bigint() - renderT) / 1e6;

  // spans: ours, recording, enqueued into the batch processor (export is a no-op here)
  let exported = 0;
  const sink = { export: async (s: readonly SpanData[]): Promise<ExportResult> => ((exported += s.length), { ok: true }), shutdown: async () => {} };
  const processor = new BatchSpanProcessor(sink, { scheduledDelayMs: 5 });
  const on = new Tracer({ processor });
  const lifecycle = (tracer: Tracer) => (i: number) => {
    const r = recs[i & mask]!;
    const span = tracer.startRequestSpan(requestSpanName(r.route, r.requestedModel), { traceparent: i & 1 ? CALLER : undefined, attributes: () => requestStartAttributes(r) });
    span.child('daca.guardrails').end();
    const up = span.child(`chat ${r.upstreamModel}`, undefined, { kind: SpanKind.CLIENT });
    up.traceparent();
    up.end();
    finishRequestSpan(span, r);
  };
  const spanOnNs = await measure(100_000, 7, lifecycle(on), yieldToLoop);
  await on.forceFlush();
  const off = new Tracer();
  const spanOffNs = await measure(200_000, 7, lifecycle(off));

  // baseline: @opentelemetry/api with no SDK registered, same lifecycle shape
  const otel = trace.getTracer('daca');
  const otelNs = await measure(200_000, 7, (i) => {
    const r = recs[i & mask]!;
    const s = otel.startSpan(requestSpanName(r.route, r.requestedModel), { attributes: { 'gen_ai.request.model': r.requestedModel } });
    const ctx = trace.setSpan(context.active(), s);
    otel.startSpan('daca.guardrails', undefined, ctx).end();
    otel.startSpan('upstream', undefined, ctx).end();
    s.end();
  });

  // background: attribute merge + OTLP/JSON encoding per span, on fresh spans
  let encodeTotal = 0n;
  let bytes = 0;
  let encoded = 0;
  for (let k = 0; k < 10; k++) {
    const mem: SpanData[] = [];
    const memTracer = new Tracer({ processor: { onEnd: (s) => void mem.push(s), forceFlush: async () => {}, shutdown: async () => {} } });
    for (let i = 0; i < 512; i++) lifecycle(memTracer)(k * 512 + i);
    const t = process.hrtime.bigint();
    bytes += encodeTracesJson(mem, { 'service.name': 'daca' }, { name: 'daca' }).length;
    encodeTotal += process.hrtime.bigint() - t;
    encoded += mem.length;
  }
  const encodeNs = Number(encodeTotal) / encoded;

  const r1 = (x: number) => Math.round(x * 10) / 10;
  const result = {
    observe_ns: r1(observeNs),
    observe_prom_client_children_ns: r1(promNs),
    observe_ratio_vs_prom_client: r1(observeNs / promNs * 100) / 100,
    metrics_series: metrics.seriesCount,
    render_ms: r1(renderMs),
    render_bytes: text.length,
    span_lifecycle_on_ns: r1(spanOnNs),
    span_lifecycle_off_ns: r1(spanOffNs),
    otel_api_noop_lifecycle_ns: r1(otelNs),
    otlp_encode_ns_per_span: r1(encodeNs),
    otlp_bytes_per_span: Math.round(bytes / encoded),
    spans_exported: exported,
    spans_dropped: processor.dropped,
    metrics_plus_tracing_on_us: Math.round(observeNs + spanOnNs) / 1000,
    metrics_plus_tracing_off_us: Math.round(observeNs + spanOffNs) / 1000,
  };
  console.log('what                                          ns/op');
  console.log(`GatewayMetrics.observe                     ${observeNs.toFixed(0).padStart(8)}`);
  console.log(`  baseline: prom-client cached children    ${promNs.toFixed(0).padStart(8)}`);
  console.log(`span lifecycle, tracing on (3 spans)       ${spanOnNs.toFixed(0).padStart(8)}`);
  console.log(`span lifecycle, tracing off                ${spanOffNs.toFixed(0).padStart(8)}`);
  console.log(`  baseline: @opentelemetry/api no-op       ${otelNs.toFixed(0).padStart(8)}`);
  console.log(`OTLP/JSON merge+encode per span (bg)        ${encodeNs.toFixed(0).padStart(8)}`);
  console.log(`render ${metrics.seriesCount} label tuples: ${renderMs.toFixed(1)} ms, ${text.length} bytes`);
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
