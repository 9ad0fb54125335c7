import { describe, expect, it } from 'vitest';
import { compileSchema, SchemaCompileError } from './json-schema-check.js';

describe('compileSchema', () => {
  const order = compileSchema({
    type: 'object',
    description: 'an order',
    properties: {
      id: { type: 'string', pattern: '^ord_[0-9]+$' },
      qty: { type: 'integer', minimum: 1, maximum: 10 },
      price: { type: 'number', exclusiveMinimum: 0 },
      unit: { type: 'string', enum: ['kg', 'pcs'] },
      note: { type: ['string', 'null'], maxLength: 5 },
      tags: { type: 'array', items: { type: 'string', minLength: 2 }, maxItems: 2 },
      kind: { const: 'sale' },
      ref: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    },
    required: ['id', 'qty'],
    additionalProperties: false,
  });

  it('accepts conforming values', () => {
    expect(order({ id: 'ord_1', qty: 3 })).toBeNull();
    expect(order({ id: 'ord_22', qty: 10, price: 0.5, unit: 'kg', note: null, tags: ['ab', 'cd'], kind: 'sale', ref: 7 })).toBeNull();
  });

  it.each([
    [{ qty: 1 }, '', "is missing required property 'id'"],
    [{ id: 'x', qty: 1 }, '/id', 'must match /^ord_[0-9]+$/'],
    [{ id: 'ord_1', qty: 1.5 }, '/qty', 'must be integer (got number)'],
    [{ id: 'ord_1', qty: 11 }, '/qty', 'must be <= 10'],
    [{ id: 'ord_1', qty: 0 }, '/qty', 'must be >= 1'],
    [{ id: 'ord_1', qty: 1, price: 0 }, '/price', 'must be > 0'],
    [{ id: 'ord_1', qty: 1, unit: 'g' }, '/unit', 'must be one of "kg", "pcs"'],
    [{ id: 'ord_1', qty: 1, note: 'toolong' }, '/note', 'must have at most 5 characters'],
    [{ id: 'ord_1', qty: 1, tags: ['a'] }, '/tags/0', 'must have at least 2 characters'],
    [{ id: 'ord_1', qty: 1, tags: ['ab', 'cd', 'ef'] }, '/tags', 'must have at most 2 items'],
    [{ id: 'ord_1', qty: 1, kind: 'gift' }, '/kind', 'must be "sale"'],
    [{ id: 'ord_1', qty: 1, ref: true }, '/ref', 'matches none of the allowed shapes (anyOf)'],
    [{ id: 'ord_1', qty: 1, extra: 1 }, '', "has unexpected property 'extra'"],
    ['not an object', '', 'must be object (got string)'],
  ])('rejects %j at %s', (value, path, message) => {
    expect(order(value)).toEqual({ path, message });
  });

  it('checks additionalProperties given as a schema', () => {
    const c = compileSchema({ type: 'object', additionalProperties: { type: 'number' } });
    expect(c({ a: 1 })).toBeNull();
    expect(c({ a: 'x' })).toEqual({ path: '/a', message: 'must be number (got string)' });
  });

  it('refuses keywords it cannot enforce, so nothing is silently unchecked', () => {
    expect(() => compileSchema({ type: 'object', properties: { a: { $ref: '#/defs/a' } } })).toThrow(SchemaCompileError);
    expect(() => compileSchema({ oneOf: [] })).toThrow(/unsupported JSON Schema keyword 'oneOf'/);
    expect(() => compileSchema({ type: 'strin' })).toThrow(/unknown type/);
    expect(() => compileSchema({ pattern: '(' })).toThrow(/bad pattern/);
  });
});
