/**
 * Tracing configuration from the standard OpenTelemetry environment variables, and the tracer it
 * builds: OTLP/HTTP JSON export when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else a propagation-only no-op tracer.
 *
 * Read: `OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER` (`none` disables), the endpoint variables,
 * `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`, `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`,
 * `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL` (only `http/json` is spoken; others produce a warning),
 * `OTEL_SERVICE_NAME` (default `daca`), `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*`.
 */
import { BatchSpanProcessor } from './batch-processor.js';
import { OtlpHttpExporter } from './otlp-http-exporter.js';
import type { AttributeValue } from './span.js';
import { Tracer } from './tracer.js';

/** Environment variables, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Resolved OTLP trace export settings. */
export interface OtlpTraceConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  resource: Record<string, AttributeValue>;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMs: number;
  /** Problems that did not stop export (unknown protocol, bad header entries). */
  warnings: string[];
}

function keyValues(s: string | undefined, what: string, warnings: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s) return out;
  for (const part of s.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const k = eq > 0 ? part.slice(0, eq).trim() : '';
    if (!k) {
      warnings.push(`${what}: ignoring '${part.trim()}' (expected key=value)`);
      continue;
    }
    try {
      out[k] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      warnings.push(`${what}: ignoring '${k}' (bad percent-encoding)`);
    }
  }
  return out;
}

function positiveInt(v: string | undefined, dflt: number): number {
  const n = v === undefined || v.trim() === '' ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : dflt;
}

/** Reads the OTLP trace settings; `null` when no endpoint is set or tracing is disabled. */
export function otlpTraceConfigFromEnv(env: Env = process.env): OtlpTraceConfig | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (env.OTEL_TRACES_EXPORTER?.split(',').some((x) => x.trim() === 'none')) return null;
  const warnings: string[] = [];
  let url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (!url) {
    const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
    if (!base) return null;
    url = base.endsWith('/') ? `${base}v1/traces` : `${base}/v1/traces`;
  }
  try {
    new URL(url);
  } catch {
    warnings.push(`OTLP traces endpoint '${url}' is not a URL; tracing is off`);
    return null;
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol && protocol !== 'http/json') warnings.push(`OTLP protocol '${protocol}' is not supported; daca sends http/json`);
  const headers = { ...keyValues(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS', warnings), ...keyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', warnings) };
  const resource: Record<string, AttributeValue> = keyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES', warnings);
  resource['service.name'] = env.OTEL_SERVICE_NAME?.trim() || resource['service.name'] || 'daca';
  resource['telemetry.sdk.name'] = 'daca';
  resource['telemetry.sdk.language'] = 'nodejs';
  return {
    url,
    headers,
    timeoutMs: positiveInt(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT, 10_000),
    resource,
    maxQueueSize: positiveInt(env.OTEL_BSP_MAX_QUEUE_SIZE, 2048),
    maxExportBatchSize: positiveInt(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512),
    scheduledDelayMs: positiveInt(env.OTEL_BSP_SCHEDULE_DELAY, 1000),
    warnings,
  };
}

/** Options of {@link tracerFromEnv}. */
export interface TracerFromEnvOptions {
  env?: Env;
  /** From the spec: record prompts/completions as span events. Default false. */
  capturePayloads?: boolean;
  /** Export failures, dropped spans and configuration warnings. */
  onError?: (err: Error) => void;
  /** Added as resource attribute `service.version`. */
  serviceVersion?: string;
}

/**
 * The tracer the environment asks for.
 * @example
 * ```ts
 * // OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
 * const tracer = tracerFromEnv({ onError: (e) => log.warn(e.message) });
 * process.on('SIGTERM', () => void tracer.shutdown());
 * ```
 */
export function tracerFromEnv(opts: TracerFromEnvOptions = {}): Tracer {
  const cfg = otlpTraceConfigFromEnv(opts.env ?? process.env);
  const capturePayloads = opts.capturePayloads ?? false;
  if (!cfg) return new Tracer({ capturePayloads });
  const onError = opts.onError ?? (() => {});
  for (const w of cfg.warnings) onError(new Error(w));
  if (opts.serviceVersion) cfg.resource['service.version'] = opts.serviceVersion;
  const exporter = new OtlpHttpExporter({ url: cfg.url, headers: cfg.headers, resource: cfg.resource, timeoutMs: cfg.timeoutMs, scope: { name: 'daca', ...(opts.serviceVersion ? { version: opts.serviceVersion } : {}) } });
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: cfg.maxQueueSize, maxExportBatchSize: cfg.maxExportBatchSize, scheduledDelayMs: cfg.scheduledDelayMs, onError });
  return new Tracer({ processor, capturePayloads });
}
