/**
 * Synthesises a JSON value that conforms to a (subset of) JSON Schema, filling it with words and
 * numbers from the user's message: used for tool-call arguments and `response_format` replies.
 *
 * Supported: `type` (incl. type arrays), `properties`/`required`, `items`/`minItems`, `enum` (first
 * value), `const`, `default`, `anyOf`/`oneOf` (first branch), `minimum`/`maximum`, string `format`
 * (date, date-time, email, uri) and `minLength`/`maxLength`. `$ref` is not resolved (yields `{}`).
 */
import type { SimRandom } from './hash.js';
import { capitalize, identifierWords, numbersIn, properNouns, salientWords } from './words.js';

/** What the synthesiser knows about the request. */
export interface SynthContext {
  rng: SimRandom;
  /** Content words of the user's message. */
  words: readonly string[];
  /** Capitalised names and places in it. */
  names: readonly string[];
  /** Numbers in it. */
  numbers: readonly number[];
  /** The message itself (markers stripped). */
  text: string;
  /** The value for a property called answer/result, when the sim decided on one. */
  answer?: string;
}

/** Builds a {@link SynthContext} from a user message. */
export function synthContext(text: string, rng: SimRandom, answer?: string): SynthContext {
  const ctx: SynthContext = { rng, words: salientWords(text), names: properNouns(text), numbers: numbersIn(text), text };
  if (answer !== undefined) ctx.answer = answer;
  return ctx;
}

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const PLACE = /city|location|place|country|destination|origin|region|address|where/;
const PERSON = /name|person|user|recipient|customer|assignee|owner|author|^to$|^from$/;
const FREE_TEXT = /query|^q$|search|text|prompt|message|question|content|description|topic|subject|body|summary|title|reason|note|comment|keyword/;
const ANSWER = /^(answer|result|output|response|solution)$/;

function synthString(schema: Schema, key: string, ctx: SynthContext): string {
  const k = key.toLowerCase();
  const format = typeof schema.format === 'string' ? schema.format : '';
  let s: string;
  if (format === 'date') s = '2025-01-15';
  else if (format === 'date-time') s = '2025-01-15T09:00:00Z';
  else if (format === 'email') s = `${(ctx.names[0] ?? 'alex').toLowerCase()}@example.com`;
  else if (format === 'uri' || format === 'url' || k === 'url') s = `https://example.com/${(ctx.words[0] ?? 'page').toLowerCase()}`;
  else if (ctx.answer !== undefined && ANSWER.test(k)) s = ctx.answer;
  else if (PLACE.test(k)) s = ctx.names[0] ?? capitalize(ctx.words[0] ?? 'London');
  else if (/(^|_)id$|Id$/.test(key)) s = ctx.text.match(/\b[\w-]*\d[\w-]*\b/)?.[0] ?? `${(ctx.words[0] ?? 'item').toLowerCase()}-001`;
  else if (PERSON.test(k)) s = ctx.names[0] ?? 'Alex';
  else if (FREE_TEXT.test(k)) s = ctx.words.length > 0 ? ctx.words.slice(0, 6).join(' ') : ctx.text.slice(0, 80) || 'example';
  else {
    const own = identifierWords(key);
    const hit = ctx.words.find((w) => !own.includes(w.toLowerCase()));
    s = hit ?? (own[0] || 'example');
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  while (s.length < min) s += 'x';
  return s.length > max ? s.slice(0, max) : s;
}

function synthNumber(schema: Schema, integer: boolean, ctx: SynthContext, used: { n: number }): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : undefined;
  let n = used.n < ctx.numbers.length ? (ctx.numbers[used.n++] as number) : (min ?? 1);
  if (min !== undefined && n < min) n = min;
  if (max !== undefined && n > max) n = max;
  return integer ? Math.round(n) : n;
}

function pickType(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') ?? t[0]) as string | undefined;
  if (isSchema(schema.properties)) return 'object';
  if (isSchema(schema.items)) return 'array';
  return undefined;
}

function synth(schema: unknown, key: string, ctx: SynthContext, used: { n: number }, depth: number): unknown {
  if (!isSchema(schema) || depth > 8) return key ? synthString({}, key, ctx) : {};
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  const branch = Array.isArray(schema.anyOf) ? schema.anyOf[0] : Array.isArray(schema.oneOf) ? schema.oneOf[0] : undefined;
  if (branch !== undefined) return synth(branch, key, ctx, used, depth + 1);
  switch (pickType(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isSchema(schema.properties) ? schema.properties : {};
      const required = new Set(Array.isArray(schema.required) ? (schema.required as unknown[]).filter((r): r is string => typeof r === 'string') : []);
      for (const [name, sub] of Object.entries(props)) {
        const mentioned = ctx.text.toLowerCase().includes(name.toLowerCase());
        if (required.has(name) || mentioned || ctx.rng.next() < 0.5) out[name] = synth(sub, name, ctx, used, depth + 1);
      }
      for (const name of required) if (!(name in out)) out[name] = synthString({}, name, ctx);
      return out;
    }
    case 'array': {
      const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) items.push(synth(schema.items, key, ctx, used, depth + 1));
      return items;
    }
    case 'integer':
      return synthNumber(schema, true, ctx, used);
    case 'number':
      return synthNumber(schema, false, ctx, used);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return synthString(schema, key, ctx);
  }
}

/**
 * A value conforming to `schema`, built from the request's words. Deterministic for a given
 * context (optional properties are included when the message names them, else by coin flip).
 *
 * @example
 * ```ts
 * synthesizeJson({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 *   synthContext('What is the weather in Paris?', new SimRandom(1))); // { city: 'Paris' }
 * ```
 */
export function synthesizeJson(schema: unknown, ctx: SynthContext): unknown {
  return synth(schema, '', ctx, { n: 0 }, 0);
}
