import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { parseCondition, parseConditions } from './conditions.js';

describe('rollout conditions', () => {
  it('reads the shorthand: rates move in points, other metrics relative', () => {
    expect(parseCondition('success +5%')).toMatchObject({ metric: 'success', op: '>', against: 'stable', combine: 'add', value: 0.05 });
    expect(parseCondition('latency_ms +20%')).toMatchObject({ metric: 'latency_ms', op: '>', against: 'stable', combine: 'mul', value: 1.2 });
    expect(parseCondition('cost -10%')).toMatchObject({ metric: 'cost', op: '<', combine: 'mul' });
    expect(parseCondition('cost -10%').value).toBeCloseTo(0.9);
  });

  it('reads absolute thresholds and comparisons with stable', () => {
    expect(parseCondition('error_rate > 2%')).toMatchObject({ metric: 'error_rate', op: '>', against: 'absolute', value: 0.02 });
    expect(parseCondition('error_rate>0.02')).toMatchObject({ value: 0.02 });
    expect(parseCondition('p95_latency_ms > 2000')).toMatchObject({ metric: 'p95_latency_ms', value: 2000 });
    expect(parseCondition('p95_latency > 2s')).toMatchObject({ metric: 'p95_latency_ms', value: 2000 });
    expect(parseCondition('cost > $0.002')).toMatchObject({ metric: 'cost', value: 2000 });
    expect(parseCondition('error_rate > stable + 1%')).toMatchObject({ against: 'stable', combine: 'add', value: 0.01 });
    expect(parseCondition('latency_ms > stable * 1.5')).toMatchObject({ against: 'stable', combine: 'mul', value: 1.5 });
    expect(parseCondition('guardrail_blocks > stable')).toMatchObject({ metric: 'block_rate', against: 'stable', value: 0 });
  });

  it('splits lists and rejects what it cannot read, saying why', () => {
    expect(parseConditions('error_rate > 2%, block_rate > 5% or p95_latency_ms > 900').map((c) => c.metric)).toEqual(['error_rate', 'block_rate', 'p95_latency_ms']);
    expect(parseConditions('')).toEqual([]);
    expect(() => parseCondition('happiness > 2%')).toThrow(/unknown metric 'happiness'/);
    expect(() => parseCondition('error_rate > 5')).toThrow(InvalidRequestError);
    expect(() => parseCondition('error_rate is high')).toThrow(/expected '<metric> <op> <value>'/);
  });
});
