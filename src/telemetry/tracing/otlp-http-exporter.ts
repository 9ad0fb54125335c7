/**
 * OTLP/HTTP span exporter with JSON encoding: `POST {endpoint}/v1/traces` over a keep-alive
 * `node:http`/`node:https` agent. Retries 429 and 5xx answers and network errors with exponential
 * backoff and jitter (honouring `Retry-After`), up to `maxAttempts`. Never throws: every outcome is
 * an {@link ExportResult}.
 */
import http from 'node:http';
import https from 'node:https';
import type { ExportResult, SpanExporter } from './batch-processor.js';
import { encodeTracesJson, type OtlpScope } from './otlp-json.js';
import type { AttributeValue, SpanData } from './span.js';

/** Options of {@link OtlpHttpExporter}. */
export interface OtlpHttpExporterOptions {
  /** Full traces URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
  url: string;
  /** Extra request headers (e.g. from `OTEL_EXPORTER_OTLP_HEADERS`). */
  headers?: Readonly<Record<string, string>>;
  /** Resource attributes; `service.name` should be among them. */
  resource: Readonly<Record<string, AttributeValue>>;
  scope?: OtlpScope;
  /** Per-attempt timeout, ms. Default 10000. */
  timeoutMs?: number;
  /** Attempts per batch, first included. Default 5. */
  maxAttempts?: number;
  /** First retry delay, ms; doubles per attempt (with ±20% jitter). Default 250. */
  initialBackoffMs?: number;
  /** Longest retry delay, ms (also caps `Retry-After`). Default 5000. */
  maxBackoffMs?: number;
}

interface Attempt {
  status: number;
  retryAfterMs: number | null;
  body: string;
}

function retryAfter(v: string | string[] | undefined): number | null {
  if (typeof v !== 'string') return null;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(v);
  return Number.isNaN(d) ? null : Math.max(0, d - Date.now());
}

/**
 * Sends span batches to an OTLP/HTTP receiver as JSON.
 * @example
 * ```ts
 * const exporter = new OtlpHttpExporter({ url: 'http://127.0.0.1:4318/v1/traces', resource: { 'service.name': 'daca' } });
 * ```
 */
export class OtlpHttpExporter implements SpanExporter {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly headers: Record<string, string>;
  private readonly scope: OtlpScope;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly opts: OtlpHttpExporterOptions) {
    this.url = new URL(opts.url);
    const secure = this.url.protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 4 }) : new http.Agent({ keepAlive: true, maxSockets: 4 });
    this.request = secure ? https.request : http.request;
    this.headers = { ...opts.headers, 'content-type': 'application/json' };
    this.scope = opts.scope ?? { name: 'daca' };
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.initialBackoffMs = opts.initialBackoffMs ?? 250;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5000;
  }

  async export(spans: readonly SpanData[]): Promise<ExportResult> {
    let body: Buffer;
    try {
      body = Buffer.from(encodeTracesJson(spans, this.opts.resource, this.scope));
    } catch (e) {
      return { ok: false, error: new Error(`OTLP encoding failed: ${e instanceof Error ? e.message : String(e)}`) };
    }
    let last = '';
    for (let attempt = 1; ; attempt++) {
      let wait: number | null = null;
      try {
        const r = await this.post(body);
        if (r.status >= 200 && r.status < 300) return { ok: true };
        last = `OTLP receiver answered ${r.status}${r.body ? `: ${r.body.slice(0, 200)}` : ''}`;
        if (r.status !== 429 && r.status < 500) return { ok: false, error: new Error(`${last} (not retried; ${spans.length} spans dropped)`) };
        wait = r.retryAfterMs;
      } catch (e) {
        last = `OTLP export to ${this.url.origin} failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (attempt >= this.maxAttempts) return { ok: false, error: new Error(`${last} (after ${attempt} attempts; ${spans.length} spans dropped)`) };
      const backoff = this.initialBackoffMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
      await new Promise((res) => setTimeout(res, Math.min(this.maxBackoffMs, wait ?? backoff)));
    }
  }

  async shutdown(): Promise<void> {
    this.agent.destroy();
  }

  private post(body: Buffer): Promise<Attempt> {
    return new Promise((resolve, reject) => {
      const req = this.request(
        this.url,
        { method: 'POST', agent: this.agent, headers: { ...this.headers, 'content-length': String(body.length) }, timeout: this.timeoutMs },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (text.length < 1024) text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfterMs: retryAfter(res.headers['retry-after']), body: text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
