/**
 * The `json_schema` grader: the output (or the first JSON object in it) is valid against a JSON
 * Schema. Supports the common keywords: type, enum, const, properties, required,
 * additionalProperties, items, min/maxItems, min/maxLength, pattern, minimum, maximum,
 * exclusiveMinimum/Maximum, anyOf, oneOf, allOf, not.
 */
import type { Grader } from './types.js';

type Schema = Record<string, unknown>;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(t: string, v: unknown): boolean {
  const actual = typeOf(v);
  return t === actual || (t === 'number' && actual === 'integer');
}

/**
 * Validates `value` against `schema`; returns the problems (empty when valid).
 *
 * @example
 * ```ts
 * validateJsonSchema({ type: 'object', required: ['a'] }, {}); // ['(root): missing required property a']
 * ```
 */
export function validateJsonSchema(schema: unknown, value: unknown, path = '(root)'): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${path}: not allowed`];
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Schema;
  const errs: string[] = [];
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(t, value))) return [`${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) errs.push(`${path}: not one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) errs.push(`${path}: expected ${JSON.stringify(s.const)}`);
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) errs.push(`${path}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) errs.push(`${path}: longer than ${s.maxLength}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) errs.push(`${path}: does not match ${s.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errs.push(`${path}: below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errs.push(`${path}: above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) errs.push(`${path}: not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) errs.push(`${path}: not below ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) errs.push(`${path}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) errs.push(`${path}: more than ${s.maxItems} items`);
    if (s.items !== undefined && !Array.isArray(s.items)) value.forEach((v, i) => errs.push(...validateJsonSchema(s.items, v, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, unknown>;
    if (Array.isArray(s.required)) for (const k of s.required as string[]) if (!(k in obj)) errs.push(`${path}: missing required property ${k}`);
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) errs.push(...validateJsonSchema(props[k], v, `${path === '(root)' ? '' : path + '.'}${k}`));
      else if (s.additionalProperties !== undefined) errs.push(...validateJsonSchema(s.additionalProperties, v, `${path === '(root)' ? '' : path + '.'}${k}`));
    }
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) errs.push(...validateJsonSchema(sub, value, path));
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => validateJsonSchema(sub, value, path).length === 0)) errs.push(`${path}: matches none of anyOf`);
  if (Array.isArray(s.oneOf) && s.oneOf.filter((sub) => validateJsonSchema(sub, value, path).length === 0).length !== 1) errs.push(`${path}: must match exactly one of oneOf`);
  if (s.not !== undefined && validateJsonSchema(s.not, value, path).length === 0) errs.push(`${path}: must not match 'not'`);
  return errs;
}

/** The JSON value in an output: the whole text, a fenced ```json block, or the first {...}/[...] span. */
export function extractJson(output: string): { ok: true; value: unknown } | { ok: false } {
  const candidates = [output.trim()];
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(output);
  if (fence) candidates.push(fence[1]!.trim());
  const start = output.search(/[[{]/);
  if (start >= 0) candidates.push(output.slice(start, Math.max(output.lastIndexOf('}'), output.lastIndexOf(']')) + 1));
  for (const c of candidates) {
    if (!c) continue;
    try {
      return { ok: true, value: JSON.parse(c) as unknown };
    } catch {
      /* next */
    }
  }
  return { ok: false };
}

/**
 * A grader passing when the output is JSON valid against `schema`.
 *
 * @example
 * ```ts
 * jsonSchemaGrader({ type: 'object', required: ['answer'] });
 * ```
 */
export function jsonSchemaGrader(schema: Record<string, unknown>, name = 'json_schema'): Grader {
  return {
    name,
    kind: 'json_schema',
    grade(ctx) {
      const parsed = extractJson(ctx.output);
      if (!parsed.ok) return { pass: false, score: 0, reason: 'output is not JSON' };
      const errs = validateJsonSchema(schema, parsed.value);
      return errs.length === 0 ? { pass: true, score: 1 } : { pass: false, score: 0, reason: errs.slice(0, 3).join('; ') };
    },
  };
}
