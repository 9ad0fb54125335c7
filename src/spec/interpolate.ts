/**
 * `${ENV_VAR}` / `${ENV_VAR:-default}` interpolation in the string scalars of a parsed YAML
 * document. It rewrites the document's nodes in place, so every node keeps its source range and
 * later errors still point at the right line and column.
 */
import { isScalar, visit, type Document, type LineCounter, type Scalar } from 'yaml';
import type { SpecLocation } from '../errors.js';
import { formatPath } from './locate.js';

/** One interpolation problem, located in the spec file. */
export type InterpolationIssue = SpecLocation & { message: string };

/** Environment read by interpolation (a subset of `process.env`). */
export type SpecEnv = Readonly<Record<string, string | undefined>>;

// `$${` is an escape; otherwise `${NAME}` or `${NAME:-default}`; any other `${` is malformed.
const TOKEN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

/** Result of interpolating one string. */
export interface InterpolatedString {
  value: string;
  /** Problems with their offset inside the input string. */
  problems: { offset: number; token: string; message: string }[];
}

/**
 * Interpolates one string. Shell semantics: `${X:-d}` uses `d` when X is unset or empty; `${X}`
 * with X unset is a problem; `$${X}` yields the literal `${X}`.
 *
 * @example
 * ```ts
 * interpolateString('${HOST:-localhost}:8700', {}).value; // 'localhost:8700'
 * ```
 */
export function interpolateString(input: string, env: SpecEnv): InterpolatedString {
  const problems: InterpolatedString['problems'] = [];
  if (!input.includes('${')) return { value: input, problems };
  const value = input.replace(TOKEN, (token: string, name: string | undefined, fallback: string | undefined, offset: number) => {
    if (token === '$${') return '${';
    if (name === undefined) {
      problems.push({ offset, token: input.slice(offset, offset + 24), message: 'malformed variable reference: expected ${NAME} or ${NAME:-default}' });
      return token;
    }
    const v = env[name];
    if (fallback !== undefined) return v === undefined || v === '' ? fallback : v;
    if (v === undefined) {
      problems.push({ offset, token, message: `environment variable '${name}' is not set; set ${name} or give a default with \${${name}:-value}` });
      return token;
    }
    return v;
  });
  return { value, problems };
}

const INT = /^[-+]?(?:0|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** Re-resolves an interpolated plain scalar with the YAML 1.2 core schema (so `${PORT:-80}` is a number). */
function resolvePlain(s: string): unknown {
  if (INT.test(s) || FLOAT.test(s)) return Number(s);
  switch (s) {
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
    case 'null': case 'Null': case 'NULL': case '~': case '': return null;
    default: return s;
  }
}

/**
 * Interpolates every string value scalar of `doc` in place (map keys are left alone so ids stay
 * stable). Plain (unquoted) scalars are re-typed after substitution; quoted ones stay strings.
 * Returns every problem found, located at the `${` in the source.
 */
export function interpolateDocument(doc: Document, lines: LineCounter, source: string, file: string, env: SpecEnv): InterpolationIssue[] {
  const issues: InterpolationIssue[] = [];
  visit(doc, {
    Scalar(key, node: Scalar, path) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const { value, problems } = interpolateString(node.value, env);
      const start = node.range?.[0] ?? 0;
      const end = node.range?.[1] ?? start;
      let cursor = start;
      for (const p of problems) {
        const at = source.indexOf(p.token.slice(0, 2 + p.token.slice(2).search(/[^A-Za-z0-9_]|$/)), cursor);
        const found = at >= 0 && at < end;
        if (found) cursor = at + 1;
        const pos = lines.linePos(found ? at : start);
        issues.push({ file, line: pos.line, column: pos.col, path: formatPath(pathOf(path, node)), message: p.message });
      }
      if (problems.length === 0) node.value = node.type === 'PLAIN' ? resolvePlain(value) : value;
    },
  });
  return issues;
}

/** The spec path (keys and indexes) of a node from `visit`'s ancestry. */
function pathOf(ancestry: readonly unknown[], node: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  const chain = [...ancestry, node];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (parent && typeof parent === 'object' && 'key' in parent && 'value' in parent) {
      const k = (parent as { key: unknown }).key;
      out.push(String(isScalar(k) ? k.value : k));
    } else if (parent && typeof parent === 'object' && 'items' in parent && Array.isArray((parent as { items: unknown[] }).items)) {
      const items = (parent as { items: unknown[] }).items;
      const idx = items.indexOf(child);
      if (idx >= 0 && !(child && typeof child === 'object' && 'key' in child && 'value' in child)) out.push(idx);
    }
  }
  return out;
}
