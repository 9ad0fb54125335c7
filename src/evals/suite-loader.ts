/**
 * Loads eval suites from YAML: parse → zod validation → a frozen {@link Suite}. Every problem is
 * reported at once as one `SpecError` naming file, line, column and field, with the same helpers
 * `daca.yaml` uses.
 *
 * Suites can be large (thousands of generated cases), and the line-tracking parser (`yaml`) took
 * a quarter of a 1,500-case run. So a valid suite is read by the fast `js-yaml` loader (YAML 1.2
 * core schema plus merge keys, duplicate keys refused — what the located parser accepts) and only
 * an invalid one is parsed again with line tracking to locate its problems.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { SpecError } from '../errors.js';
import { toSpecIssues } from '../spec/issues.js';
import { SuiteSchema } from './suite-schema.js';
import { toSuite, type Suite } from './suite.js';

/**
 * Parses and validates suite YAML. `file` names the source in messages; custom grader modules are
 * resolved against `baseDir` (default: the file's folder).
 *
 * @throws {SpecError} with every YAML and schema issue, each located.
 * @example
 * ```ts
 * const suite = parseSuiteText('name: s\ncases:\n  - { id: a, input: hi }\n', 'suite.yaml');
 * ```
 */
export function parseSuiteText(text: string, file: string, baseDir: string = dirname(resolve(file))): Suite {
  const quick = quickLoad(text);
  if (quick !== undefined) {
    const result = SuiteSchema.safeParse(quick);
    if (result.success) return toSuite(result.data, file, baseDir);
  }
  return parseSuiteLocated(text, file, baseDir);
}

const FAST_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/** The document as data when the fast loader reads it as a mapping, else undefined. */
function quickLoad(text: string): object | undefined {
  try {
    const data = load(text, { schema: FAST_SCHEMA });
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * {@link parseSuiteText} with the line-tracking parser only: slower, locates every problem.
 *
 * @throws {SpecError} with every YAML and schema issue, each located.
 * @example
 * ```ts
 * const suite = parseSuiteLocated(text, 'suite.yaml');
 * ```
 */
export function parseSuiteLocated(text: string, file: string, baseDir: string = dirname(resolve(file))): Suite {
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
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 10_000 }) ?? {};
  } catch (e) {
    throw new SpecError([{ file, line: 1, column: 1, path: '', message: `cannot read YAML: ${(e as Error).message}` }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new SpecError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping (key: value) at the top level' }]);
  }
  const result = SuiteSchema.safeParse(data);
  if (!result.success) throw new SpecError(toSpecIssues(result.error.issues, { file, doc, lines, data, schema: SuiteSchema }));
  return toSuite(result.data, file, baseDir);
}

/**
 * Reads and validates a suite file.
 *
 * @throws {SpecError} when the file cannot be read or is invalid.
 * @example
 * ```ts
 * const suite = await loadSuiteFile('examples/evals/support.yaml');
 * ```
 */
export async function loadSuiteFile(path: string): Promise<Suite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new SpecError([{ file: path, line: 1, column: 1, path: '', message: `cannot read suite: ${why}` }]);
  }
  return parseSuiteText(text, path);
}
