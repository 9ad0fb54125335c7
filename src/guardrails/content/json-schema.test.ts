import { describe, expect, it } from 'vitest';
import { validateJsonOutput, type JsonSchema } from './json-schema.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['name', 'tags'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: 'integer', minimum: 0 },
    kind: { enum: ['a', 'b'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
  },
};

describe('validateJsonOutput', () => {
  it('accepts a conforming answer, also inside a code fence', () => {
    expect(validateJsonOutput('{"name":"x","tags":["t"],"age":3}', schema)).toEqual({ valid: true, value: { name: 'x', tags: ['t'], age: 3 }, errors: [] });
    expect(validateJsonOutput('```json\n{"name":"x","tags":[]}\n```', schema).valid).toBe(true);
  });
  it('reports each violation with its path', () => {
    const r = validateJsonOutput('{"name":"","age":1.5,"kind":"c","tags":["a",2,"c"],"extra":true}', schema);
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      '/name: shorter than 1',
      '/age: expected integer, got number',
      '/kind: must be one of ["a","b"]',
      '/tags: more than 2 items',
      '/tags/1: expected string, got number',
      '/extra: additional property not allowed',
    ]);
    expect(validateJsonOutput('{"name":"x"}', schema).errors).toEqual(['/tags: required property missing']);
  });
  it('rejects text that is not JSON', () => {
    expect(validateJsonOutput('Sure! Here it is: {name: x}', schema)).toMatchObject({ valid: false });
  });
});
