/**
 * OTLP/JSON encoding of spans (the `ExportTraceServiceRequest` of the OTLP specification): ids as
 * lowercase hex, times as unix-nanosecond strings, attributes as `{ key, value: AnyValue }`.
 *
 * The body is written as a string directly (no intermediate object tree), since encoding runs on
 * the same thread as requests.
 */
import type { AttributeValue, SpanData } from './span.js';

/** The instrumentation scope spans are reported under. */
export interface OtlpScope {
  name: string;
  version?: string;
}

/** Milliseconds since the epoch (fractional) as a unix-nanosecond decimal string. */
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

const q = JSON.stringify;

function anyValue(v: AttributeValue): string {
  switch (typeof v) {
    case 'string':
      return `{"stringValue":${q(v)}}`;
    case 'boolean':
      return v ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'number':
      if (Number.isSafeInteger(v)) return `{"intValue":${v}}`;
      return Number.isFinite(v) ? `{"doubleValue":${v}}` : `{"doubleValue":"${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}"}`;
    default: {
      let s = '{"arrayValue":{"values":[';
      const a = v as readonly AttributeValue[];
      for (let i = 0; i < a.length; i++) s += (i ? ',' : '') + anyValue(a[i]!);
      return `${s}]}}`;
    }
  }
}

/** `{"key":"<key>","value":` per attribute key: keys repeat on every span. Bounded. */
const keyPrefixes = new Map<string, string>();

function keyPrefix(key: string): string {
  let p = keyPrefixes.get(key);
  if (p === undefined) {
    p = `{"key":${q(key)},"value":`;
    if (keyPrefixes.size < 4096) keyPrefixes.set(key, p);
  }
  return p;
}

/** Attributes as an OTLP/JSON `KeyValue` array. */
export function attributesJson(attrs: Readonly<Record<string, AttributeValue>>): string {
  let s = '[';
  let first = true;
  for (const key in attrs) {
    s += `${first ? '' : ','}${keyPrefix(key)}${anyValue(attrs[key]!)}}`;
    first = false;
  }
  return `${s}]`;
}

function spanJson(s: SpanData): string {
  let out = `{"traceId":"${s.traceId}","spanId":"${s.spanId}"`;
  if (s.parentSpanId) out += `,"parentSpanId":"${s.parentSpanId}"`;
  if (s.traceState) out += `,"traceState":${q(s.traceState)}`;
  out += `,"name":${q(s.name)},"kind":${s.kind},"startTimeUnixNano":"${msToUnixNano(s.startTimeMs)}","endTimeUnixNano":"${msToUnixNano(s.endTimeMs)}","attributes":${attributesJson(s.attributes)}`;
  if (s.events.length) {
    out += ',"events":[';
    s.events.forEach((e, i) => (out += `${i ? ',' : ''}{"timeUnixNano":"${msToUnixNano(e.timeMs)}","name":${q(e.name)},"attributes":${attributesJson(e.attributes)}}`));
    out += ']';
  }
  out += s.statusCode === 2 ? `,"status":{"code":2${s.statusMessage ? `,"message":${q(s.statusMessage)}` : ''}}}` : ',"status":{}}';
  return out;
}

/**
 * The OTLP/JSON body for a batch of spans.
 * @example
 * ```ts
 * const body = encodeTracesJson(spans, { 'service.name': 'daca' }, { name: 'daca' });
 * ```
 */
export function encodeTracesJson(spans: readonly SpanData[], resource: Readonly<Record<string, AttributeValue>>, scope: OtlpScope): string {
  const sc = scope.version ? `{"name":${q(scope.name)},"version":${q(scope.version)}}` : `{"name":${q(scope.name)}}`;
  let body = `{"resourceSpans":[{"resource":{"attributes":${attributesJson(resource)}},"scopeSpans":[{"scope":${sc},"spans":[`;
  for (let i = 0; i < spans.length; i++) body += (i ? ',' : '') + spanJson(spans[i]!);
  return `${body}]}]}]}`;
}
