/**
 * Loads `daca.yaml`: YAML (with line/column tracking) → `${ENV}` interpolation → zod validation →
 * a deeply frozen, fingerprinted spec. Every problem is collected and reported at once as one
 * {@link SpecError} naming file, line, column and field.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { SpecError } from '../errors.js';
import { SpecSchema, type Spec } from './schema.js';
import { canonicalHash, deepFreeze } from './canonical.js';
import { interpolateDocument, type SpecEnv } from './interpolate.js';
import { toSpecIssues, type SpecIssue } from './issues.js';

/** A validated spec with where it came from and its fingerprint. */
export interface LoadedSpec {
  /** The parsed, defaulted spec; deeply frozen. */
  spec: Spec;
  /** The file path, or `(embedded default)`. */
  source: string;
  /** Hex sha256 of the spec's canonical JSON (same spec ⇒ same hash, whatever the formatting). */
  hash: string;
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => {
        const p = lines.linePos(e.pos[0]);
        return { file, line: p.line, column: p.col, path: '', message: `YAML syntax error: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const envIssues = interpolateDocument(doc, lines, text, file, env);
  if (envIssues.length > 0) throw new SpecError(envIssues);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (e) {
    throw new SpecError([{ file, line: 1, column: 1, path: '', message: `cannot read YAML: ${(e as Error).message}` }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new SpecError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping (key: value) at the top level' }]);
  }
  const result = SpecSchema.safeParse(data);
  if (!result.success) {
    const issues: SpecIssue[] = toSpecIssues(result.error.issues, { file, doc, lines, data, schema: SpecSchema });
    throw new SpecError(issues);
  }
  const spec = deepFreeze(result.data);
  return { spec, source: file, hash: canonicalHash(spec) };
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
