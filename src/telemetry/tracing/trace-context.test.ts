import { describe, expect, it } from 'vitest';
import { formatTraceParent, IdGenerator, normalizeTraceState, parseTraceParent } from './trace-context.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('traceparent', () => {
  it('parses a valid header and formats it back', () => {
    expect(parseTraceParent(TP)).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', sampled: true });
    expect(parseTraceParent(TP.replace(/01$/, '00'))!.sampled).toBe(false);
    expect(parseTraceParent(TP.replace(/01$/, '03'))!.sampled).toBe(true);
    expect(formatTraceParent('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', true)).toBe(TP);
  });

  it('accepts future versions by their first fields', () => {
    expect(parseTraceParent(`cc${TP.slice(2)}-what-the-future-brings`)!.spanId).toBe('b7ad6b7169203331');
  });

  it.each([
    ['empty', ''],
    ['uppercase hex', TP.toUpperCase()],
    ['zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['zero span id', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
    ['version ff', `ff${TP.slice(2)}`],
    ['v00 with extra fields', `${TP}-extra`],
    ['short trace id', '00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01'],
    ['bad separators', TP.replaceAll('-', '_')],
  ])('rejects %s', (_, h) => {
    expect(parseTraceParent(h)).toBeNull();
  });
});

describe('tracestate', () => {
  it('keeps valid lists and drops invalid ones whole', () => {
    expect(normalizeTraceState('congo=t61rcWkgMzE, rojo=00f067aa0ba902b7,')).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(normalizeTraceState('tenant@vendor=x')).toBe('tenant@vendor=x');
    expect(normalizeTraceState('Upper=x')).toBeUndefined();
    expect(normalizeTraceState('a=1,a=2')).toBeUndefined();
    expect(normalizeTraceState('novalue')).toBeUndefined();
    expect(normalizeTraceState(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','))).toBeUndefined();
    expect(normalizeTraceState(undefined)).toBeUndefined();
  });
});

describe('IdGenerator', () => {
  it('makes distinct lowercase hex ids of the right length across pool refills', () => {
    const ids = new IdGenerator(64);
    const traces = new Set<string>();
    const spans = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const t = ids.traceId();
      const s = ids.spanId();
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      expect(s).toMatch(/^[0-9a-f]{16}$/);
      traces.add(t);
      spans.add(s);
    }
    expect(traces.size).toBe(5000);
    expect(spans.size).toBe(5000);
  });
});
