/**
 * daca's tracer: one span per gateway request, children for its stages, W3C trace context in and
 * out. Without a processor it is a no-op that still propagates the caller's `traceparent`.
 *
 * Parent-based sampling: a caller's `traceparent` with the sampled flag off is honoured (nothing is
 * recorded, the header is forwarded unchanged); requests without one are always recorded.
 */
import type { SpanProcessor } from './batch-processor.js';
import { NOOP_SPAN, PropagationSpan, RecordingSpan, SpanKind, type AttributeSource, type Span, type SpanData, type SpanHost } from './span.js';
import { IdGenerator, normalizeTraceState, parseTraceParent } from './trace-context.js';

/** Options of a {@link Tracer}. */
export interface TracerOptions {
  /** Where ended spans go; `null`/absent makes the tracer a no-op (propagation only). */
  processor?: SpanProcessor | null;
  /** Record prompts and completions as span events (`gen_ai.content.*`). Default false. */
  capturePayloads?: boolean;
  /** Wall clock in fractional ms since the epoch. Default `performance.timeOrigin + performance.now()`. */
  now?: () => number;
}

/** Options of {@link Tracer.startRequestSpan}. */
export interface RequestSpanOptions {
  /** The caller's `traceparent` header. */
  traceparent?: string | undefined;
  /** The caller's `tracestate` header (kept only with a valid traceparent). */
  tracestate?: string | undefined;
  /** Initial attributes (an object kept by reference, or a function called at export). */
  attributes?: AttributeSource;
  /** Start time, ms since the epoch; default now. Pass `performance.timeOrigin + call.t0` for sub-ms precision. */
  startTimeMs?: number;
  /** Default SERVER. */
  kind?: SpanKind;
}

const origin = performance.timeOrigin;
const hrNow = (): number => origin + performance.now();

/**
 * Starts request spans; see the module comment.
 * @example
 * ```ts
 * const span = tracer.startRequestSpan('chat gpt-4o', { traceparent: req.header('traceparent'), attributes: { 'gen_ai.operation.name': 'chat' } });
 * const up = span.child('chat gpt-4o-2024-08-06', undefined, { kind: SpanKind.CLIENT });
 * await provider.chat(body, { traceparent: up.traceparent() });
 * up.end();
 * span.end();
 * ```
 */
export class Tracer implements SpanHost {
  /** Whether spans are recorded (a processor is configured). */
  readonly enabled: boolean;
  readonly ids = new IdGenerator();
  readonly capturePayloads: boolean;
  readonly now: () => number;
  private readonly processor: SpanProcessor | null;

  constructor(opts: TracerOptions = {}) {
    this.processor = opts.processor ?? null;
    this.enabled = this.processor !== null;
    this.capturePayloads = opts.capturePayloads ?? false;
    this.now = opts.now ?? hrNow;
  }

  /** Starts the span of one gateway request, as a child of the caller's trace when it sent one. */
  startRequestSpan(name: string, opts: RequestSpanOptions = {}): Span {
    const parent = opts.traceparent ? parseTraceParent(opts.traceparent) : null;
    if (!this.enabled || (parent && !parent.sampled)) {
      if (!parent) return NOOP_SPAN;
      return new PropagationSpan(parent.traceId, opts.traceparent!.trim(), opts.tracestate ? normalizeTraceState(opts.tracestate) : undefined);
    }
    return new RecordingSpan(
      this,
      name,
      parent ? parent.traceId : this.ids.traceId(),
      this.ids.spanId(),
      parent?.spanId,
      parent && opts.tracestate ? normalizeTraceState(opts.tracestate) : undefined,
      opts.kind ?? SpanKind.SERVER,
      opts.startTimeMs ?? this.now(),
      opts.attributes,
    );
  }

  /** @internal Called by spans when they end. */
  onEnd(span: SpanData): void {
    try {
      this.processor?.onEnd(span);
    } catch {
      // a side path never breaks the request
    }
  }

  /** Exports every span ended so far. */
  async forceFlush(): Promise<void> {
    await this.processor?.forceFlush();
  }

  /** Flushes and stops exporting (call on SIGTERM). */
  async shutdown(): Promise<void> {
    await this.processor?.shutdown();
  }
}

/** A tracer that records nothing and only propagates trace context. */
export const NOOP_TRACER = new Tracer();
