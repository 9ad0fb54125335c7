/**
 * Tracing entry point: daca's lightweight OpenTelemetry-compatible tracer and OTLP/HTTP JSON export.
 */
export { BatchSpanProcessor, type BatchSpanProcessorOptions, type ExportResult, type SpanExporter, type SpanProcessor } from './batch-processor.js';
export { finishRequestSpan, operationName, requestSpanName, requestStartAttributes, usageAttributes, type RequestStart } from './genai-attributes.js';
export { InMemorySpanExporter } from './in-memory-exporter.js';
export { otlpTraceConfigFromEnv, tracerFromEnv, type Env, type OtlpTraceConfig, type TracerFromEnvOptions } from './otlp-config.js';
export { OtlpHttpExporter, type OtlpHttpExporterOptions } from './otlp-http-exporter.js';
export { encodeTracesJson, msToUnixNano } from './otlp-json.js';
export { NOOP_SPAN, SpanKind, type AttributeSource, type AttributeValue, type Attributes, type ChildSpanOptions, type Span, type SpanData, type SpanEvent } from './span.js';
export { formatTraceParent, IdGenerator, normalizeTraceState, parseTraceParent, type TraceParent } from './trace-context.js';
export { NOOP_TRACER, Tracer, type RequestSpanOptions, type TracerOptions } from './tracer.js';
