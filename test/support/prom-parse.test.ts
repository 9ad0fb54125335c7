import { describe, expect, it } from 'vitest';
import { findHistogram, parsePrometheusText, sumSamples } from './prom-parse.js';

describe('parsePrometheusText', () => {
  it('reads HELP/TYPE, escaped labels, special values and timestamps', () => {
    const f = parsePrometheusText(
      [
        '# HELP x_total A counter with a \\\\ backslash\\nand newline.',
        '# TYPE x_total counter',
        'x_total{a="q\\"uote",b="back\\\\slash",c="new\\nline"} 3 1700000000000',
        'x_total{a="plain"} +Inf',
        '# a plain comment',
        'y NaN',
        '',
      ].join('\n'),
    );
    const x = f.get('x_total')!;
    expect(x.type).toBe('counter');
    expect(x.help).toBe('A counter with a \\ backslash\nand newline.');
    expect(x.samples[0]).toEqual({ name: 'x_total', labels: { a: 'q"uote', b: 'back\\slash', c: 'new\nline' }, value: 3, timestamp: 1700000000000 });
    expect(x.samples[1]!.value).toBe(Infinity);
    expect(f.get('y')!.type).toBe('untyped');
    expect(Number.isNaN(f.get('y')!.samples[0]!.value)).toBe(true);
    expect(sumSamples(x, { a: 'plain' })).toBe(Infinity);
  });

  it('groups and checks histograms', () => {
    const text = ['# TYPE h histogram', 'h_bucket{k="a",le="1"} 1', 'h_bucket{k="a",le="+Inf"} 2', 'h_sum{k="a"} 5.5', 'h_count{k="a"} 2'].join('\n');
    expect(findHistogram(parsePrometheusText(text).get('h'), { k: 'a' })).toEqual({ buckets: [{ le: 1, count: 1 }, { le: Infinity, count: 2 }], sum: 5.5, count: 2 });
    expect(() => parsePrometheusText(text.replace('h_count{k="a"} 2', 'h_count{k="a"} 3'))).toThrow(/\+Inf bucket/);
    expect(() => parsePrometheusText(text.replace('le="1"} 1', 'le="1"} 3'))).toThrow(/cumulative/);
  });

  it('rejects malformed input', () => {
    expect(() => parsePrometheusText('x{a="1} 1')).toThrow(/line 1/);
    expect(() => parsePrometheusText('x{a="\\q"} 1')).toThrow(/bad escape/);
    expect(() => parsePrometheusText('x 1 2 3')).toThrow(/value/);
    expect(() => parsePrometheusText('x abc')).toThrow(/bad number/);
    expect(() => parsePrometheusText('x 1\nx 2')).toThrow(/duplicate series/);
    expect(() => parsePrometheusText('x 1\n# TYPE x gauge')).toThrow(/after its samples/);
    expect(() => parsePrometheusText('# TYPE x gauge\n# TYPE x gauge')).toThrow(/second TYPE/);
  });
});
