/**
 * An exporter that keeps spans in memory: for tests, the dashboard's recent-trace view, or
 * embedding daca where spans are read in-process.
 */
import type { ExportResult, SpanExporter } from './batch-processor.js';
import type { SpanData } from './span.js';

/**
 * Keeps exported spans in an array (bounded: the oldest go first beyond `max`).
 * @example
 * ```ts
 * const mem = new InMemorySpanExporter();
 * const tracer = new Tracer({ processor: new BatchSpanProcessor(mem) });
 * ```
 */
export class InMemorySpanExporter implements SpanExporter {
  private spans: SpanData[] = [];

  constructor(private readonly max = 10_000) {}

  /** The spans exported so far, oldest first. */
  get finished(): readonly SpanData[] {
    return this.spans;
  }

  async export(spans: readonly SpanData[]): Promise<ExportResult> {
    this.spans.push(...spans);
    if (this.spans.length > this.max) this.spans.splice(0, this.spans.length - this.max);
    return { ok: true };
  }

  /** Forgets every span. */
  reset(): void {
    this.spans = [];
  }

  async shutdown(): Promise<void> {}
}
