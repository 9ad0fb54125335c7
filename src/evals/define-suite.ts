/**
 * The TypeScript API for suites: the same shape as the YAML, plus inline custom grade functions.
 */
import { SpecError } from '../errors.js';
import { formatPath } from '../spec/locate.js';
import { SuiteSchema, type SuiteInput } from './suite-schema.js';
import { toSuite, type Suite } from './suite.js';

/**
 * Validates a suite written in TypeScript.
 *
 * @throws {SpecError} naming each invalid field (line numbers are 0: there is no file).
 * @example
 * ```ts
 * export default defineSuite({
 *   name: 'capitals',
 *   agent: { kind: 'prompt', model: 'stable', system: 'Answer briefly.' },
 *   personas: ['novice', 'expert'],
 *   cases: [{ id: 'fr', input: 'Capital of France?', expected: 'Paris' }],
 *   graders: [{ type: 'custom', grade: (ctx) => ctx.output.includes('Paris') }],
 * });
 * ```
 */
export function defineSuite(input: SuiteInput, opts: { baseDir?: string } = {}): Suite {
  const r = SuiteSchema.safeParse(input);
  if (!r.success) {
    throw new SpecError(r.error.issues.map((i) => ({ file: '(typescript)', line: 0, column: 0, path: formatPath(i.path as PropertyKey[]), message: i.message })));
  }
  return toSuite(r.data, '(typescript)', opts.baseDir ?? process.cwd());
}
