import { describe, expect, it } from 'vitest';
import { decodeTraces } from '../../../test/support/otlp-receiver.js';
import { encodeTracesJson, msToUnixNano } from './otlp-json.js';
import { BatchSpanProcessor, InMemorySpanExporter, SpanKind, Tracer } from './index.js';

describe('OTLP/JSON encoding', () => {
  it('writes unix nanos exactly from fractional ms', () => {
    expect(msToUnixNano(1_700_000_000_123)).toBe('1700000000123000000');
    expect(msToUnixNano(1_700_000_000_123.5)).toBe('1700000000123500000');
    expect(msToUnixNano(5)).toBe('5000000');
    expect(msToUnixNano(0.25)).toBe('250000');
  });

  it('encodes every attribute type, escapes strings and decodes back', async () => {
    const mem = new InMemorySpanExporter();
    const tracer = new Tracer({ processor: new BatchSpanProcessor(mem), now: () => 1_700_000_000_000 });
    const span = tracer.startRequestSpan('na"me\n', { attributes: { s: 'q"uote\\ \u2028 ✓', i: 42, d: 0.5, neg: -3, b: false, arr: ['a', 'b'], nums: [1, 2.5], nan: NaN, inf: Infinity } });
    span.setAttributes(() => ({ lazy: 'yes', i: 1 }));
    span.setAttribute('i', 7);
    span.child('c', undefined, { kind: SpanKind.CLIENT }).end();
    span.addEvent('ev', { k: 'v' });
    span.recordError({ message: 'bad "thing"', code: 'upstream_error' });
    span.end();
    await tracer.forceFlush();
    const body = encodeTracesJson(mem.finished, { 'service.name': 'daca' }, { name: 'daca', version: '0.1.0' });
    const spans = decodeTraces(JSON.parse(body));
    expect(spans).toHaveLength(2);
    const root = spans.find((s) => s.name === 'na"me\n')!;
    expect(root.attributes).toEqual({ s: 'q"uote\\ \u2028 ✓', i: 7, d: 0.5, neg: -3, b: false, arr: ['a', 'b'], nums: [1, 2.5], nan: NaN, inf: Infinity, lazy: 'yes', 'error.type': 'upstream_error' });
    expect(root.startTimeUnixNano).toBe(1_700_000_000_000_000_000n);
    expect(root.status).toEqual({ code: 2, message: 'bad "thing"' });
    expect(root.events.map((e) => e.name)).toEqual(['ev', 'exception']);
    expect(root.scope).toEqual({ name: 'daca', version: '0.1.0' });
    expect(spans.find((s) => s.name === 'c')!.kind).toBe(SpanKind.CLIENT);
  });
});
