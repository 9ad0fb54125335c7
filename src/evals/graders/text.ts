/**
 * Text graders: `exact`, `contains`, `not_contains` and `regex` over the final output.
 */
import { InvalidRequestError } from '../../errors.js';
import type { Grader, GradeResult } from './types.js';

const PASS: GradeResult = Object.freeze({ pass: true, score: 1 });

function fail(reason: string): GradeResult {
  return { pass: false, score: 0, reason };
}

function clip(s: string): string {
  return s.length > 60 ? JSON.stringify(s.slice(0, 57) + '...') : JSON.stringify(s);
}

/**
 * Output equals `value` after trimming (optionally ignoring case).
 *
 * @example
 * ```ts
 * exactGrader('Paris').grade(ctx);
 * ```
 */
export function exactGrader(value: string, ignoreCase = false, name = 'exact'): Grader {
  const want = ignoreCase ? value.trim().toLowerCase() : value.trim();
  return {
    name,
    kind: 'exact',
    grade: (ctx) => ((ignoreCase ? ctx.output.trim().toLowerCase() : ctx.output.trim()) === want ? PASS : fail(`expected exactly ${clip(value)}, got ${clip(ctx.output.trim())}`)),
  };
}

/**
 * Output contains every one of `values` (or, with `negate`, none of them).
 *
 * @example
 * ```ts
 * containsGraders(['Paris'], true).grade(ctx);
 * ```
 */
export function containsGrader(values: readonly string[], ignoreCase = true, negate = false, name = negate ? 'not_contains' : 'contains'): Grader {
  const wants = ignoreCase ? values.map((v) => v.toLowerCase()) : [...values];
  return {
    name,
    kind: negate ? 'not_contains' : 'contains',
    grade(ctx) {
      const out = ignoreCase ? ctx.output.toLowerCase() : ctx.output;
      for (let i = 0; i < wants.length; i++) {
        const has = out.includes(wants[i]!);
        if (has === negate) return fail(negate ? `output contains ${clip(values[i]!)}` : `output lacks ${clip(values[i]!)}`);
      }
      return PASS;
    },
  };
}

/**
 * Output matches the regular expression `pattern`.
 *
 * @throws {InvalidRequestError} when the pattern does not compile.
 * @example
 * ```ts
 * regexGrader('\\bParis\\b', 'i').grade(ctx);
 * ```
 */
export function regexGrader(pattern: string, flags = '', name = 'regex'): Grader {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags.replace(/[gy]/g, ''));
  } catch (e) {
    throw new InvalidRequestError(`invalid regex grader pattern /${pattern}/: ${(e as Error).message}`);
  }
  return { name, kind: 'regex', grade: (ctx) => (re.test(ctx.output) ? PASS : fail(`output does not match /${pattern}/${flags}`)) };
}
