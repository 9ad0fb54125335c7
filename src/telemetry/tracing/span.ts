/**
 * Spans: the recording span daca exports, and the propagation-only span used when tracing is off
 * or the caller did not sample its trace (it still hands the caller's `traceparent` upstream so the
 * caller's trace connects to the provider's).
 */
import { formatTraceParent, type IdGenerator } from './trace-context.js';

/** A span attribute value (OTLP `AnyValue` subset). */
export type AttributeValue = string | number | boolean | readonly string[] | readonly number[] | readonly boolean[];

/** Span attributes; `undefined`/`null` entries are skipped. */
export type Attributes = Readonly<Record<string, AttributeValue | undefined | null>>;

/**
 * Attributes given to a span in bulk: an object (read when the span is exported, so do not mutate
 * it afterwards) or a function that builds one, called once off the request path at export.
 */
export type AttributeSource = Attributes | (() => Attributes);

/** OTLP span kinds used by daca. */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;
/** One of {@link SpanKind}'s values. */
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** A timed event on a span. */
export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Record<string, AttributeValue>;
}

/** A finished span as exporters see it. Times are ms since the epoch (fractional). */
export interface SpanData {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly traceState: string | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly events: readonly SpanEvent[];
  /** 0 unset, 2 error (OTLP status codes). */
  readonly statusCode: 0 | 2;
  readonly statusMessage: string | undefined;
}

/** Options of a child span. */
export interface ChildSpanOptions {
  kind?: SpanKind;
  startTimeMs?: number;
}

/** A span in progress. Every method is safe to call after `end()` (it is then ignored). */
export interface Span {
  /** Trace id ('' when there is no trace context at all). */
  readonly traceId: string;
  /** This span's id ('' for a propagation-only span). */
  readonly spanId: string;
  /** Whether this span is recorded and exported. */
  readonly recording: boolean;
  /** Starts a child span (a propagation-only span returns itself). */
  child(name: string, attributes?: AttributeSource, options?: ChildSpanOptions): Span;
  /** Sets one attribute; it wins over any bulk source's value for the same key. */
  setAttribute(key: string, value: AttributeValue | undefined | null): this;
  /** Adds a bulk source of attributes (see {@link AttributeSource}); later sources win. */
  setAttributes(attributes: AttributeSource): this;
  addEvent(name: string, attributes?: Attributes, timeMs?: number): this;
  /** Marks the span failed: status ERROR, an `exception` event, and `error.type` (a DacaError's `code`, else the error's name). Accepts any `{ name?, message?, code? }`. */
  recordError(err: unknown): this;
  /** Adds a `gen_ai.content.prompt` event, only when the tracer captures payloads. */
  capturePrompt(content: unknown): this;
  /** Adds a `gen_ai.content.completion` event, only when the tracer captures payloads. */
  captureCompletion(content: unknown): this;
  /** Ends the span (default: now) and hands it to the exporter. Idempotent. */
  end(endTimeMs?: number): void;
  /** The `traceparent` to send upstream so the provider call is a child of this span. */
  traceparent(): string | undefined;
  /** The `tracestate` to send upstream with it. */
  tracestate(): string | undefined;
}

/** Where a recording span goes when it ends, and what it needs from its tracer. */
export interface SpanHost {
  readonly ids: IdGenerator;
  readonly capturePayloads: boolean;
  now(): number;
  onEnd(span: SpanData): void;
}

const MAX_MESSAGE = 4096;

function cut(s: string): string {
  return s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE) : s;
}

function copyAttributes(into: Record<string, AttributeValue>, from: Attributes): void {
  for (const k in from) {
    const v = from[k];
    if (v !== undefined && v !== null) into[k] = v;
  }
}

function merge(into: Record<string, AttributeValue>, src: AttributeSource): void {
  try {
    copyAttributes(into, typeof src === 'function' ? src() : src);
  } catch (e) {
    into['daca.attributes_error'] = e instanceof Error ? e.message : String(e);
  }
}

const NO_EVENTS: SpanEvent[] = [];

/**
 * A span that is recorded and exported on `end()`. Bulk attributes are kept by reference and
 * merged when an exporter first reads `attributes`, so the request path only stores pointers.
 */
export class RecordingSpan implements Span, SpanData {
  readonly recording = true;
  events: SpanEvent[] = NO_EVENTS;
  statusCode: 0 | 2 = 0;
  statusMessage: string | undefined = undefined;
  endTimeMs = 0;
  private ended = false;
  private tp: string | undefined;
  private own: Record<string, AttributeValue> | null = null;
  private first: AttributeSource | undefined;
  private more: AttributeSource[] | null = null;
  private merged: Record<string, AttributeValue> | null = null;

  constructor(
    private readonly host: SpanHost,
    readonly name: string,
    readonly traceId: string,
    readonly spanId: string,
    readonly parentSpanId: string | undefined,
    readonly traceState: string | undefined,
    readonly kind: SpanKind,
    readonly startTimeMs: number,
    attributes: AttributeSource | undefined,
  ) {
    this.first = attributes;
  }

  /** All attributes: bulk sources in order, then single ones. Final (cached) once the span ended. */
  get attributes(): Readonly<Record<string, AttributeValue>> {
    if (this.merged) return this.merged;
    const out: Record<string, AttributeValue> = {};
    if (this.first) merge(out, this.first);
    if (this.more) for (const src of this.more) merge(out, src);
    if (this.own) Object.assign(out, this.own);
    if (this.ended) {
      this.merged = out;
      this.first = undefined;
      this.more = this.own = null;
    }
    return out;
  }

  child(name: string, attributes?: AttributeSource, options?: ChildSpanOptions): Span {
    const h = this.host;
    return new RecordingSpan(h, name, this.traceId, h.ids.spanId(), this.spanId, this.traceState, options?.kind ?? SpanKind.INTERNAL, options?.startTimeMs ?? h.now(), attributes);
  }

  setAttribute(key: string, value: AttributeValue | undefined | null): this {
    if (!this.ended && value !== undefined && value !== null) (this.own ??= {})[key] = value;
    return this;
  }

  setAttributes(attributes: AttributeSource): this {
    if (this.ended) return this;
    if (this.first === undefined) this.first = attributes;
    else (this.more ??= []).push(attributes);
    return this;
  }

  addEvent(name: string, attributes?: Attributes, timeMs?: number): this {
    if (this.ended) return this;
    const a: Record<string, AttributeValue> = {};
    if (attributes) copyAttributes(a, attributes);
    if (this.events === NO_EVENTS) this.events = [];
    this.events.push({ name, timeMs: timeMs ?? this.host.now(), attributes: a });
    return this;
  }

  recordError(err: unknown): this {
    if (this.ended) return this;
    const o = typeof err === 'object' && err !== null ? (err as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown }) : null;
    const name = typeof o?.name === 'string' ? o.name : err instanceof Error ? 'Error' : typeof err;
    const type = typeof o?.code === 'string' ? o.code : name;
    const message = cut(typeof o?.message === 'string' ? o.message : String(err));
    this.statusCode = 2;
    this.statusMessage = message;
    (this.own ??= {})['error.type'] = type;
    return this.addEvent('exception', { 'exception.type': name, 'exception.message': message, 'exception.stacktrace': typeof o?.stack === 'string' ? cut(o.stack) : undefined });
  }

  capturePrompt(content: unknown): this {
    if (this.host.capturePayloads) this.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': typeof content === 'string' ? content : JSON.stringify(content) });
    return this;
  }

  captureCompletion(content: unknown): this {
    if (this.host.capturePayloads) this.addEvent('gen_ai.content.completion', { 'gen_ai.completion': typeof content === 'string' ? content : JSON.stringify(content) });
    return this;
  }

  end(endTimeMs?: number): void {
    if (this.ended) return;
    this.ended = true;
    this.endTimeMs = endTimeMs ?? this.host.now();
    this.host.onEnd(this);
  }

  traceparent(): string {
    return (this.tp ??= formatTraceParent(this.traceId, this.spanId, true));
  }

  tracestate(): string | undefined {
    return this.traceState;
  }
}

/**
 * A span that records nothing and forwards the caller's trace context unchanged (or none).
 * Its children are itself, so a disabled tracer allocates nothing per child.
 */
export class PropagationSpan implements Span {
  readonly recording = false;
  readonly spanId = '';

  constructor(
    readonly traceId: string,
    private readonly parent: string | undefined,
    private readonly state: string | undefined,
  ) {}

  child(): Span {
    return this;
  }
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  recordError(): this {
    return this;
  }
  capturePrompt(): this {
    return this;
  }
  captureCompletion(): this {
    return this;
  }
  end(): void {}
  traceparent(): string | undefined {
    return this.parent;
  }
  tracestate(): string | undefined {
    return this.parent ? this.state : undefined;
  }
}

/** The propagation span for requests without trace context. */
export const NOOP_SPAN: Span = new PropagationSpan('', undefined, undefined);
