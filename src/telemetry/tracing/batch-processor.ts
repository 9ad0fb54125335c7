/**
 * Batching of finished spans, off the request path.
 *
 * `onEnd()` puts the span in a fixed-size ring (drop-oldest when full, counted) and returns. A
 * timer exports what is queued every `scheduledDelayMs`; a full batch (`maxExportBatchSize`) is
 * exported at once. One export runs at a time. Export failures go to `onError`, never to a request.
 */
import type { SpanData } from './span.js';

/** The outcome of one export. Exporters return it; they never throw. */
export type ExportResult = { ok: true } | { ok: false; error: Error };

/** Sends batches of spans somewhere (OTLP/HTTP, memory). */
export interface SpanExporter {
  export(spans: readonly SpanData[]): Promise<ExportResult>;
  shutdown(): Promise<void>;
}

/** Receives ended spans from the tracer. */
export interface SpanProcessor {
  onEnd(span: SpanData): void;
  /** Exports everything queued so far. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops accepting spans and shuts the exporter down. */
  shutdown(): Promise<void>;
}

/** Options of {@link BatchSpanProcessor} (defaults follow the OpenTelemetry SDK's). */
export interface BatchSpanProcessorOptions {
  /** Spans kept waiting at most; the oldest are dropped beyond. Default 2048. */
  maxQueueSize?: number;
  /** Spans per export at most. Default 512. */
  maxExportBatchSize?: number;
  /** Export interval, ms. Default 1000. */
  scheduledDelayMs?: number;
  /** Failed exports and dropped spans are reported here. */
  onError?: (err: Error) => void;
}

/**
 * Queues ended spans and exports them in batches; see the module comment.
 * @example
 * ```ts
 * const processor = new BatchSpanProcessor(new OtlpHttpExporter({ url }), { scheduledDelayMs: 1000 });
 * const tracer = new Tracer({ processor });
 * ```
 */
export class BatchSpanProcessor implements SpanProcessor {
  /** Spans dropped because the queue was full or the processor was shut down. */
  dropped = 0;
  /** Spans whose export failed (after the exporter's retries). */
  failed = 0;
  /** Spans exported successfully. */
  exported = 0;
  private readonly ring: Array<SpanData | undefined>;
  private head = 0;
  private size = 0;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly onError: (err: Error) => void;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private reportedDrop = false;

  constructor(
    private readonly exporter: SpanExporter,
    opts: BatchSpanProcessorOptions = {},
  ) {
    const max = opts.maxQueueSize ?? 2048;
    this.ring = new Array<SpanData | undefined>(max);
    this.maxBatch = Math.min(opts.maxExportBatchSize ?? 512, max);
    this.delayMs = opts.scheduledDelayMs ?? 1000;
    this.onError = opts.onError ?? (() => {});
  }

  /** Spans waiting to be exported. */
  get pending(): number {
    return this.size;
  }

  onEnd(span: SpanData): void {
    if (this.closed) {
      this.dropped++;
      return;
    }
    const cap = this.ring.length;
    if (this.size === cap) {
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % cap;
      this.size--;
      this.dropped++;
      if (!this.reportedDrop) {
        this.reportedDrop = true;
        this.onError(new Error(`span queue full (${cap}); dropping the oldest spans`));
      }
    }
    this.ring[(this.head + this.size) % cap] = span;
    this.size++;
    if (this.size >= this.maxBatch) {
      if (!this.immediate && !this.running) this.immediate = setImmediate(() => {
        this.immediate = null;
        void this.pump(false);
      });
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.pump(true);
      }, this.delayMs);
      this.timer.unref();
    }
  }

  async forceFlush(): Promise<void> {
    while (this.size > 0 || this.running) await this.pump(true);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    await this.forceFlush();
    await this.exporter.shutdown();
  }

  /** Exports full batches, and with `all` also what was queued when it started. One run at a time. */
  private pump(all: boolean): Promise<void> {
    if (this.running) return this.running;
    // `.finally` runs asynchronously, so `running` is always set before it is cleared.
    const run = this.drain(all).finally(() => {
      this.running = null;
      if (this.size > 0 && !this.timer && !this.closed) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.pump(true);
        }, this.size >= this.maxBatch ? 0 : this.delayMs);
        this.timer.unref();
      }
    });
    this.running = run;
    return run;
  }

  private async drain(all: boolean): Promise<void> {
    let budget = all ? this.size : 0;
    try {
      while (this.size > 0 && (this.size >= this.maxBatch || budget > 0)) {
        const batch = this.take();
        budget -= batch.length;
        const r = await this.exporter.export(batch);
        if (r.ok) this.exported += batch.length;
        else {
          this.failed += batch.length;
          this.onError(r.error);
        }
      }
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private take(): SpanData[] {
    const n = Math.min(this.size, this.maxBatch);
    const out = new Array<SpanData>(n);
    const cap = this.ring.length;
    for (let i = 0; i < n; i++) {
      out[i] = this.ring[this.head]!;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % cap;
    }
    this.size -= n;
    if (this.size === 0) this.reportedDrop = false;
    return out;
  }
}
