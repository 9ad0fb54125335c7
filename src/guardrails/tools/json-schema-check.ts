/**
 * A small JSON Schema checker for tool arguments: the subset tool definitions use in practice.
 *
 * Enforced: `type` (one or a list; `integer` included), `properties`, `required`, `enum`, `const`,
 * `items`, `additionalProperties` (boolean or schema), `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `minLength`, `maxLength`, `minItems`, `maxItems`, `pattern`, `anyOf`.
 * Annotations (`description`, `title`, `default`, `examples`, `format`, `$schema`, `$comment`)
 * are ignored. Any other keyword is refused when the schema is compiled, so nothing in a spec is
 * silently unenforced. A schema is compiled once; checking allocates only on failure.
 */

/** A compiled schema: returns null when `value` conforms, else the first violation. */
export type SchemaCheck = (value: unknown) => SchemaViolation | null;

/** Where and why a value does not conform. */
export interface SchemaViolation {
  /** JSON-pointer-like path, `` for the root, e.g. `/items/0/qty`. */
  path: string;
  message: string;
}

/** Thrown by {@link compileSchema} for a schema it cannot enforce. */
export class SchemaCompileError extends Error {}

const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', 'format', '$schema', '$comment', '$id', 'strict']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'array':
      return Array.isArray(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'null':
      return v === null;
    default:
      return typeof v === t;
  }
}

const fail = (path: string, message: string): SchemaViolation => ({ path, message });
const num = (s: Record<string, unknown>, k: string, at: string): number | undefined => {
  const v = s[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new SchemaCompileError(`${at || '/'}: '${k}' must be a number`);
  return v;
};

/**
 * Compiles a JSON schema (the subset above) into a checker.
 *
 * @throws SchemaCompileError naming the unsupported or malformed keyword.
 * @example
 * ```ts
 * const check = compileSchema({ type: 'object', properties: { qty: { type: 'integer', minimum: 1 } }, required: ['qty'] });
 * check({ qty: 0 }); // { path: '/qty', message: 'must be >= 1' }
 * ```
 */
export function compileSchema(schema: unknown, at = ''): SchemaCheck {
  if (schema === true || (schema && typeof schema === 'object' && Object.keys(schema).length === 0)) return () => null;
  if (schema === false) return (v) => fail(at, `no value is allowed here (got ${typeOf(v)})`);
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new SchemaCompileError(`${at || '/'}: a schema must be an object`);
  const s = schema as Record<string, unknown>;
  const checks: ((v: unknown, path: string) => SchemaViolation | null)[] = [];

  for (const k of Object.keys(s)) {
    if (ANNOTATIONS.has(k)) continue;
    if (!KNOWN.has(k)) throw new SchemaCompileError(`${at || '/'}: unsupported JSON Schema keyword '${k}' (supported: ${[...KNOWN].join(', ')})`);
  }

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as unknown[]) : [s.type];
    for (const t of types) if (typeof t !== 'string' || !TYPES.has(t)) throw new SchemaCompileError(`${at || '/'}: unknown type '${String(t)}'`);
    const list = types as string[];
    checks.push((v, p) => (list.some((t) => hasType(v, t)) ? null : fail(p, `must be ${list.join(' or ')} (got ${typeOf(v)})`)));
  }
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum)) throw new SchemaCompileError(`${at || '/'}: 'enum' must be an array`);
    const allowed = s.enum as unknown[];
    const keys = new Set(allowed.map((x) => JSON.stringify(x)));
    checks.push((v, p) => (keys.has(JSON.stringify(v)) ? null : fail(p, `must be one of ${allowed.map((x) => JSON.stringify(x)).join(', ')}`)));
  }
  if (s.const !== undefined) {
    const want = JSON.stringify(s.const);
    checks.push((v, p) => (JSON.stringify(v) === want ? null : fail(p, `must be ${want}`)));
  }
  const min = num(s, 'minimum', at);
  const max = num(s, 'maximum', at);
  const xmin = num(s, 'exclusiveMinimum', at);
  const xmax = num(s, 'exclusiveMaximum', at);
  if (min !== undefined || max !== undefined || xmin !== undefined || xmax !== undefined) {
    checks.push((v, p) => {
      if (typeof v !== 'number') return null;
      if (min !== undefined && v < min) return fail(p, `must be >= ${min}`);
      if (max !== undefined && v > max) return fail(p, `must be <= ${max}`);
      if (xmin !== undefined && v <= xmin) return fail(p, `must be > ${xmin}`);
      if (xmax !== undefined && v >= xmax) return fail(p, `must be < ${xmax}`);
      return null;
    });
  }
  const minLen = num(s, 'minLength', at);
  const maxLen = num(s, 'maxLength', at);
  let re: RegExp | undefined;
  if (s.pattern !== undefined) {
    if (typeof s.pattern !== 'string') throw new SchemaCompileError(`${at || '/'}: 'pattern' must be a string`);
    try {
      re = new RegExp(s.pattern, 'u');
    } catch (e) {
      throw new SchemaCompileError(`${at || '/'}: bad pattern: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (minLen !== undefined || maxLen !== undefined || re) {
    checks.push((v, p) => {
      if (typeof v !== 'string') return null;
      const n = [...v].length;
      if (minLen !== undefined && n < minLen) return fail(p, `must have at least ${minLen} characters`);
      if (maxLen !== undefined && n > maxLen) return fail(p, `must have at most ${maxLen} characters`);
      if (re && !re.test(v)) return fail(p, `must match /${re.source}/`);
      return null;
    });
  }
  const minItems = num(s, 'minItems', at);
  const maxItems = num(s, 'maxItems', at);
  const items = s.items !== undefined ? compileSchema(s.items, `${at}/items`) : undefined;
  if (minItems !== undefined || maxItems !== undefined || items) {
    checks.push((v, p) => {
      if (!Array.isArray(v)) return null;
      if (minItems !== undefined && v.length < minItems) return fail(p, `must have at least ${minItems} items`);
      if (maxItems !== undefined && v.length > maxItems) return fail(p, `must have at most ${maxItems} items`);
      if (items) for (let i = 0; i < v.length; i++) {
        const r = items(v[i]);
        if (r) return fail(`${p}/${i}${r.path}`, r.message);
      }
      return null;
    });
  }
  if (s.properties !== undefined || s.required !== undefined || s.additionalProperties !== undefined) {
    checks.push(objectCheck(s, at));
  }
  if (s.anyOf !== undefined) {
    if (!Array.isArray(s.anyOf) || s.anyOf.length === 0) throw new SchemaCompileError(`${at || '/'}: 'anyOf' must be a non-empty array`);
    const alts = (s.anyOf as unknown[]).map((x, i) => compileSchema(x, `${at}/anyOf/${i}`));
    checks.push((v, p) => (alts.some((c) => c(v) === null) ? null : fail(p, 'matches none of the allowed shapes (anyOf)')));
  }

  return (value) => {
    for (const c of checks) {
      const r = c(value, '');
      if (r) return r;
    }
    return null;
  };
}

const KNOWN = new Set([
  'type', 'properties', 'required', 'enum', 'const', 'items', 'additionalProperties', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'anyOf',
]);

function objectCheck(s: Record<string, unknown>, at: string): (v: unknown, p: string) => SchemaViolation | null {
  const propsRaw = s.properties ?? {};
  if (typeof propsRaw !== 'object' || propsRaw === null || Array.isArray(propsRaw)) throw new SchemaCompileError(`${at || '/'}: 'properties' must be an object`);
  const props = new Map<string, SchemaCheck>();
  for (const [k, sub] of Object.entries(propsRaw)) props.set(k, compileSchema(sub, `${at}/properties/${k}`));
  const required = s.required ?? [];
  if (!Array.isArray(required) || required.some((r) => typeof r !== 'string')) throw new SchemaCompileError(`${at || '/'}: 'required' must be an array of names`);
  const ap = s.additionalProperties;
  const extra: SchemaCheck | 'any' | 'none' = ap === undefined || ap === true ? 'any' : ap === false ? 'none' : compileSchema(ap, `${at}/additionalProperties`);
  return (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    const o = v as Record<string, unknown>;
    for (const r of required as string[]) if (!(r in o)) return fail(p, `is missing required property '${r}'`);
    for (const k in o) {
      const c = props.get(k);
      if (c) {
        const r = c(o[k]);
        if (r) return fail(`${p}/${k}${r.path}`, r.message);
      } else if (extra === 'none') {
        return fail(p, `has unexpected property '${k}'`);
      } else if (extra !== 'any') {
        const r = extra(o[k]);
        if (r) return fail(`${p}/${k}${r.path}`, r.message);
      }
    }
    return null;
  };
}
