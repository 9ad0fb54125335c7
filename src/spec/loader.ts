/**
 * Loads `daca.yaml`: YAML (with line/column tracking) → `${ENV}` interpolation → `include:`d files
 * merged (see compose.ts) → zod validation → a deeply frozen, fingerprinted spec. Every problem is collected and reported at once as one
 * {@link SpecError} naming file, line, column and field.
 */
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { z } from 'zod';
import { SpecError } from '../errors.js';
import { SpecSchema, type Spec } from './schema.js';
import { canonicalHash, deepFreeze } from './canonical.js';
import type { SpecEnv } from './interpolate.js';
import { composeSpec, type ComposedSpec } from './compose.js';
import type { SpecPath } from './locate.js';
import { toSpecIssues, type SpecIssue } from './issues.js';

/** A validated spec with where it came from and its fingerprint. */
export interface LoadedSpec {
  /** The parsed, defaulted spec; deeply frozen. */
  spec: Spec;
  /** The file path, or `(embedded default)`. */
  source: string;
  /** Hex sha256 of the spec's canonical JSON (same spec ⇒ same hash, whatever the formatting). */
  hash: string;
  /** For a split spec (`include:`): the root file, then every included file. */
  files?: readonly string[];
  /** For a split spec: the composed spec as one YAML document (`${VAR}` references kept), e.g. to keep as a version. */
  composedText?: string;
}

/**
 * Parses and validates spec text. `file` is used in messages and as `source`.
 *
 * @throws {SpecError} with every YAML, interpolation and schema issue, each located.
 * @example
 * ```ts
 * const { spec, hash } = parseSpecText('models: {}', 'daca.yaml', {});
 * ```
 */
export function parseSpecText(text: string, file: string, env: SpecEnv = process.env): LoadedSpec {
  const c = composeSpec(text, file, env);
  const result = SpecSchema.safeParse(c.data);
  if (!result.success) throw new SpecError(locateIssues(result.error.issues, c));
  const spec = deepFreeze(result.data);
  const composed = c.parts.length > 1 ? { files: c.parts.map((p) => p.file), composedText: `# composed by daca from ${c.parts.map((p) => p.file).join(', ')}\n${stringify(c.raw)}` } : {};
  return { spec, source: file, hash: canonicalHash(spec), ...composed };
}

/** Locates schema issues of a (possibly composed) spec in the file each value came from. */
function locateIssues(issues: readonly z.core.$ZodIssue[], c: ComposedSpec): SpecIssue[] {
  const out: SpecIssue[] = [];
  const one = (issue: z.core.$ZodIssue, at: SpecPath): void => {
    const o = c.origin(at);
    const local = issue.code === 'unrecognized_keys' ? o.path.slice(0, -1) : o.path;
    const moved = { ...issue, path: [...local] } as z.core.$ZodIssue;
    out.push(...toSpecIssues([moved], { file: o.part.file, doc: o.part.doc, lines: o.part.lines, data: o.part.data, schema: SpecSchema }));
  };
  for (const issue of issues) {
    const path = issue.path as SpecPath;
    if (issue.code === 'unrecognized_keys') for (const k of issue.keys) one({ ...issue, keys: [k] }, [...path, k]);
    else one(issue, path);
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** The text to keep as a version of `loaded`: the file's own text, or the composed spec of a split one. */
export function specText(loaded: LoadedSpec, fileText: string): string {
  return loaded.composedText ?? fileText;
}

/**
 * Reads and validates a spec file.
 *
 * @throws {SpecError} when the file cannot be read or is invalid.
 * @example
 * ```ts
 * const loaded = await loadSpecFile('daca.yaml');
 * ```
 */
export async function loadSpecFile(path: string, env: SpecEnv = process.env): Promise<LoadedSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new SpecError([{ file: path, line: 1, column: 1, path: '', message: `cannot read spec: ${why}` }]);
  }
  return parseSpecText(text, path, env);
}
