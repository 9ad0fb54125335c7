/**
 * The `custom` grader: a TypeScript/JavaScript function `grade(ctx)` — inline (TypeScript suites)
 * or exported by a module whose path the suite names (resolved against the suite's folder).
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidRequestError } from '../../errors.js';
import type { Grader, GradeFunction, GradeResult } from './types.js';

/** Wraps a grade function; a boolean result means pass/fail, a thrown error a failed grade. */
export function customGrader(fn: GradeFunction, name = 'custom'): Grader {
  return {
    name,
    kind: 'custom',
    async grade(ctx): Promise<GradeResult> {
      try {
        const r = await fn(ctx);
        if (typeof r === 'boolean') return { pass: r, score: r ? 1 : 0 };
        return { ...r, score: r.score ?? (r.pass ? 1 : 0) };
      } catch (e) {
        return { pass: false, score: 0, reason: `grader threw: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  };
}

/**
 * Imports `module` (relative to `baseDir`) and returns its `exportName` function as a grader.
 *
 * @throws {InvalidRequestError} when the module cannot be loaded or does not export a function.
 * @example
 * ```ts
 * const g = await loadCustomGrader('./graders/polite.js', 'grade', 'examples/evals');
 * ```
 */
export async function loadCustomGrader(module: string, exportName: string, baseDir: string, name = 'custom'): Promise<Grader> {
  const path = isAbsolute(module) ? module : resolve(baseDir, module);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new InvalidRequestError(`cannot load custom grader module ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const fn = mod[exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof fn !== 'function') throw new InvalidRequestError(`custom grader module ${path} does not export a function '${exportName}'`);
  return customGrader(fn as GradeFunction, name);
}
