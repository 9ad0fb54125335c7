/**
 * OTLP/JSON encoding of spans (the `ExportTraceServiceRequest` of the OTLP specification): ids as
 * lowercase hex, times as unix-nanosecond strings, attributes as `{ key, value: AnyValue }`.
 */
import type { AttributeValue, SpanData } from './span.js';

/** An OTLP `AnyValue`. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

/** An OTLP `KeyValue`. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** The instrumentation scope spans are reported under. */
export interface OtlpScope {
  name: string;
  version?: string;
}

/** Milliseconds since the epoch (fractional) as a unix-nanosecond decimal string, exactly. */
export function msToUnixNano(ms: number): string {
  let whole = Math.floor(ms);
  let frac = Math.round((ms - whole) * 1e6);
  if (frac >= 1e6) {
    whole += 1;
    frac -= 1e6;
  }
  if (whole === 0) return String(frac);
  return `${whole}${String(frac).padStart(6, '0')}`;
}

function anyValue(v: AttributeValue): OtlpAnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: v } : { doubleValue: v };
  return { arrayValue: { values: (v as readonly AttributeValue[]).map(anyValue) } };
}

/** Attributes as OTLP key-values. */
export function otlpAttributes(attrs: Readonly<Record<string, AttributeValue>>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const key in attrs) out.push({ key, value: anyValue(attrs[key]!) });
  return out;
}

/**
 * Builds the OTLP/JSON body for a batch of spans.
 * @example
 * ```ts
 * JSON.stringify(encodeTraces(spans, { 'service.name': 'daca' }, { name: 'daca' }));
 * ```
 */
export function encodeTraces(spans: readonly SpanData[], resource: Readonly<Record<string, AttributeValue>>, scope: OtlpScope): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes(resource) },
        scopeSpans: [
          {
            scope: scope.version ? { name: scope.name, version: scope.version } : { name: scope.name },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              ...(s.traceState ? { traceState: s.traceState } : {}),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: msToUnixNano(s.startTimeMs),
              endTimeUnixNano: msToUnixNano(s.endTimeMs),
              attributes: otlpAttributes(s.attributes),
              ...(s.events.length ? { events: s.events.map((e) => ({ timeUnixNano: msToUnixNano(e.timeMs), name: e.name, attributes: otlpAttributes(e.attributes) })) } : {}),
              status: s.statusCode === 2 ? { code: 2, ...(s.statusMessage ? { message: s.statusMessage } : {}) } : {},
            })),
          },
        ],
      },
    ],
  };
}
