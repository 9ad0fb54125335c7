/**
 * Turns zod issues into located, human spec issues: file, line, column, dotted path and a message
 * that says what is expected ("unknown field 'x' (allowed: a, b)", "expected a number, got 'abc'").
 */
import { isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import type { SpecLocation } from '../errors.js';
import { formatPath, locate, positionOf, type SpecPath } from './locate.js';

/** One located spec problem. */
export type SpecIssue = SpecLocation & { message: string };

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** Context needed to locate and explain issues. */
export interface IssueContext {
  file: string;
  doc: Document;
  lines: LineCounter;
  /** The plain data zod validated. */
  data: unknown;
  /** The root schema (to list allowed fields). */
  schema: AnySchema;
}

/** Converts zod issues into located spec issues, sorted by position. */
export function toSpecIssues(issues: readonly Issue[], ctx: IssueContext): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) out.push(...explain(issue, ctx));
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function explain(issue: Issue, ctx: IssueContext): SpecIssue[] {
  const path = issue.path as SpecPath;
  const value = valueAt(ctx.data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(ctx.schema, path, ctx.data);
      const hint = allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      return issue.keys.map((k) => at(ctx, [...path, k], `unknown field '${k}'${hint}`, 'key'));
    }
    case 'invalid_key': {
      const key = String(path[path.length - 1]);
      const inner = issue.issues.map((i) => i.message).join('; ');
      return [at(ctx, path, `invalid name '${key}': ${inner}`, 'key')];
    }
    case 'invalid_type': {
      if (value === undefined) return [missing(ctx, path, expectedName(issue.expected))];
      return [at(ctx, path, keepCustom(issue.message) ?? `expected ${expectedName(issue.expected)}, got ${describe(value)}`)];
    }
    case 'invalid_value': {
      const vals = issue.values.map((v) => String(v));
      const msg = vals.length === 1 ? `expected ${vals[0]}` : `expected one of: ${vals.join(', ')}`;
      if (value === undefined) return [missing(ctx, path, msg)];
      return [at(ctx, path, keepCustom(issue.message) ?? `${msg} (got ${describe(value)})`)];
    }
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (disc !== undefined && options) {
        const allowed = options.map(String).join(', ');
        if (value === undefined) return [missing(ctx, path, `one of: ${allowed}`)];
        return [at(ctx, path, `unknown ${disc} ${describe(value)} (allowed: ${allowed})`)];
      }
      const first = issue.errors[0]?.[0]?.message;
      return [at(ctx, path, `does not match any allowed form${first ? ` (e.g. ${first})` : ''}`)];
    }
    case 'too_small':
    case 'too_big': {
      const custom = keepCustom(issue.message);
      if (custom) return [at(ctx, path, custom)];
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive !== false;
      let msg: string;
      if (issue.origin === 'string') msg = `must have ${small ? 'at least' : 'at most'} ${bound} characters`;
      else if (issue.origin === 'array' || issue.origin === 'set') msg = `must have ${small ? 'at least' : 'at most'} ${bound} items`;
      else msg = `must be ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${bound}`;
      return [at(ctx, path, `${msg} (got ${describe(value)})`)];
    }
    case 'invalid_format': {
      const custom = keepCustom(issue.message);
      const pattern = (issue as { pattern?: string }).pattern;
      const msg = custom ?? (pattern ? `expected a string matching ${pattern}` : `expected a valid ${issue.format}`);
      return [at(ctx, path, `${msg} (got ${describe(value)})`)];
    }
    case 'not_multiple_of':
      return [at(ctx, path, keepCustom(issue.message) ?? `must be a multiple of ${String(issue.divisor)} (got ${describe(value)})`)];
    default:
      return [at(ctx, path, issue.message)];
  }
}

/** zod's built-in messages start with these words; anything else was written in the schema. */
function keepCustom(message: string): string | undefined {
  return /^(Invalid|Too (small|big)|Unrecognized|Expected)\b/.test(message) ? undefined : message;
}

/** An issue on an existing node: at its key (`'key'`) or at its value. */
function at(ctx: IssueContext, path: SpecPath, message: string, anchor: 'key' | 'value' = 'value'): SpecIssue {
  const loc = locate(ctx.doc, path);
  const found = loc.depth === path.length;
  // An empty value (`key:` with nothing after it) has no text of its own: point at its key.
  const empty = isScalar(loc.node) && loc.node.range !== undefined && loc.node.range !== null && loc.node.range[0] === loc.node.range[1];
  const node: Node | null = found && anchor === 'value' && !empty ? loc.node : loc.keyNode ?? loc.node;
  const { line, column } = positionOf(node, ctx.lines);
  return { file: ctx.file, line, column, path: formatPath(path), message };
}

/** A required field that is absent: reported on the nearest existing parent, at its key. */
function missing(ctx: IssueContext, path: SpecPath, expected: string): SpecIssue {
  const parent = path.slice(0, -1);
  const field = String(path[path.length - 1] ?? '');
  const loc = locate(ctx.doc, parent);
  const { line, column } = positionOf(loc.keyNode ?? loc.node, ctx.lines);
  return { file: ctx.file, line, column, path: formatPath(parent), message: `missing required field '${field}' (expected ${expected})` };
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'object': return 'a mapping (key: value)';
    case 'array': return 'a list';
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'int': return 'an integer';
    case 'boolean': return 'true or false';
    case 'record': return 'a mapping (key: value)';
    default: return expected;
  }
}

/** Short description of a value for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'an empty value';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 37)}...'` : `'${v}'`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function valueAt(data: unknown, path: SpecPath): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

interface DefView { type: string; shape?: Record<string, AnySchema>; valueType?: AnySchema; innerType?: AnySchema; in?: AnySchema; element?: AnySchema; options?: AnySchema[]; discriminator?: string; values?: unknown[] }

function def(s: AnySchema): DefView {
  return s._zod.def as unknown as DefView;
}

function optionMatches(option: AnySchema, disc: string, v: unknown): boolean {
  const field = def(option).shape?.[disc];
  return field !== undefined && (def(field).values ?? []).includes(v);
}

/** Field names the schema allows at `path` (for "unknown field" hints). */
function allowedKeys(root: AnySchema, path: SpecPath, data: unknown): string[] {
  let s: AnySchema | undefined = root;
  let cur: unknown = data;
  const pick = (schema: AnySchema | undefined, value: unknown): AnySchema | undefined => {
    let x = schema;
    for (let guard = 0; x && guard < 20; guard++) {
      const d = def(x);
      if (d.innerType) x = d.innerType;
      else if (d.type === 'pipe' && d.in) x = d.in;
      else if (d.type === 'union' && d.options) {
        const disc = d.discriminator;
        const v = disc && value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[disc] : undefined;
        x = disc ? d.options.find((o) => optionMatches(o, disc, v)) : d.options.find((o) => def(o).type === 'object');
      } else return x;
    }
    return x;
  };
  for (const seg of path) {
    s = pick(s, cur);
    if (!s) return [];
    const d = def(s);
    if (d.type === 'object' && d.shape) s = d.shape[String(seg)];
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'array') s = d.element;
    else return [];
    cur = cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  s = pick(s, cur);
  const shape = s ? def(s).shape : undefined;
  return shape ? Object.keys(shape) : [];
}
