/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Numbers are serialised as ECMAScript's `Number.prototype.toString` does (RFC 8785 §3.2.2.3 is that
 * algorithm), strings with `JSON.stringify`'s escaping (§3.2.2.2), and object members are sorted by
 * their names as arrays of UTF-16 code units (§3.2.3), which is what the default `Array#sort`
 * comparison does for strings. No whitespace. `undefined` members are skipped like `JSON.stringify`.
 */
import { InvalidRequestError } from '../errors.js';

/**
 * Returns the canonical JSON text of a value.
 *
 * @throws InvalidRequestError for values JSON cannot represent (NaN, Infinity, bigint, functions,
 *   symbols, or lone surrogates in strings).
 * @example
 * ```ts
 * canonicalize({ b: 1, a: [true, null, 1e21] }); // '{"a":[true,null,1e+21],"b":1}'
 * ```
 */
export function canonicalize(value: unknown): string {
  return write(value);
}

/** Serialised member names: the same few names repeat in every record. */
const KEYS = new Map<string, string>();

function key(k: string): string {
  let v = KEYS.get(k);
  if (v === undefined) {
    v = str(k);
    if (KEYS.size < 10_000) KEYS.set(k, v);
  }
  return v;
}

/** Characters JSON escapes, and surrogates (which must be checked for pairing). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
  // Most strings need no escaping and hold no surrogates: quote them directly.
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) throw new InvalidRequestError('canonical JSON: a string holds a lone UTF-16 surrogate (RFC 8785 §3.2.2.2)');
  return JSON.stringify(s);
}

function write(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'number':
      if (!Number.isFinite(v)) throw new InvalidRequestError(`canonical JSON: ${v} is not a JSON number (RFC 8785 §3.2.2.3)`);
      return Object.is(v, -0) ? '0' : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i) out += ',';
          const e: unknown = v[i];
          // JSON.stringify writes null for undefined/function array slots.
          out += e === undefined || typeof e === 'function' || typeof e === 'symbol' ? 'null' : write(e);
        }
        return out + ']';
      }
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return write((v as { toJSON: () => unknown }).toJSON());
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          keys.sort();
          break;
        }
      }
      let out = '{';
      let first = true;
      for (const k of keys) {
        const e = o[k];
        if (e === undefined || typeof e === 'function' || typeof e === 'symbol') continue;
        if (!first) out += ',';
        first = false;
        out += key(k) + ':' + write(e);
      }
      return out + '}';
    }
    default:
      throw new InvalidRequestError(`canonical JSON: a ${typeof v} is not a JSON value`);
  }
}
