/**
 * Output JSON-schema validation for the common subset of JSON Schema that structured-output
 * specs use: `type` (one or several), `properties`, `required`, `additionalProperties`
 * (boolean or schema), `items`, `enum`, `const`, `minLength`/`maxLength`, `pattern`,
 * `minimum`/`maximum`, `minItems`/`maxItems`, `anyOf`. Unknown keywords are ignored. A model
 * answer wrapped in a Markdown code fence is unwrapped first.
 */

/** A JSON Schema (the supported subset). */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  [keyword: string]: unknown;
}

/** JSON Schema primitive type names. */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The outcome of validating a model's JSON output. */
export interface JsonValidation {
  valid: boolean;
  /** The parsed value, when the text is JSON. */
  value?: unknown;
  /** One message per violation, each starting with a JSON pointer (`/items/0/name`). */
  errors: string[];
}

const FENCE = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?```\s*$/i;

/**
 * Parses a model's output as JSON and validates it against a schema.
 *
 * @example
 * ```ts
 * validateJsonOutput('{"n": "x"}', { type: 'object', properties: { n: { type: 'number' } } });
 * // { valid: false, value: { n: 'x' }, errors: ['/n: expected number, got string'] }
 * ```
 */
export function validateJsonOutput(text: string, schema: JsonSchema): JsonValidation {
  const fenced = FENCE.exec(text);
  let value: unknown;
  try {
    value = JSON.parse(fenced ? fenced[1]! : text);
  } catch (e) {
    return { valid: false, errors: [`output is not JSON: ${(e as Error).message}`] };
  }
  const errors: string[] = [];
  check(value, schema, '', errors);
  return { valid: errors.length === 0, value, errors };
}

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

function typeMatches(actual: JsonType, expected: JsonType): boolean {
  return actual === expected || (expected === 'number' && actual === 'integer');
}

function check(v: unknown, s: JsonSchema, path: string, errors: string[]): void {
  const at = path || '/';
  const t = typeOf(v);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((x) => typeMatches(t, x))) {
      errors.push(`${at}: expected ${types.join(' or ')}, got ${t === 'integer' ? 'number' : t}`);
      return;
    }
  }
  if (s.anyOf !== undefined && !s.anyOf.some((sub) => {
    const e: string[] = [];
    check(v, sub, path, e);
    return e.length === 0;
  })) errors.push(`${at}: matches none of anyOf`);
  if (s.enum !== undefined && !s.enum.some((e) => deepEqual(e, v))) errors.push(`${at}: must be one of ${JSON.stringify(s.enum)}`);
  if (s.const !== undefined && !deepEqual(s.const, v)) errors.push(`${at}: must equal ${JSON.stringify(s.const)}`);
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && v.length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${at}: does not match /${s.pattern}/`);
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) errors.push(`${at}: less than ${s.minimum}`);
    if (s.maximum !== undefined && v > s.maximum) errors.push(`${at}: greater than ${s.maximum}`);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && v.length > s.maxItems) errors.push(`${at}: more than ${s.maxItems} items`);
    if (s.items !== undefined) v.forEach((item, i) => check(item, s.items!, `${path}/${i}`, errors));
  }
  if (t === 'object') {
    const obj = v as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in obj)) errors.push(`${path}/${escape(key)}: required property missing`);
    for (const [key, val] of Object.entries(obj)) {
      const sub = s.properties?.[key];
      if (sub !== undefined) check(val, sub, `${path}/${escape(key)}`, errors);
      else if (s.additionalProperties === false) errors.push(`${path}/${escape(key)}: additional property not allowed`);
      else if (typeof s.additionalProperties === 'object') check(val, s.additionalProperties, `${path}/${escape(key)}`, errors);
    }
  }
}

const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
