/**
 * Parses a success margin: `2pp`, `2%`, `0.02` or `2` all mean two percentage points.
 */
import { InvalidRequestError } from '../../errors.js';

/**
 * A margin as a fraction in [0, 1).
 *
 * @throws {InvalidRequestError} on anything else.
 * @example
 * ```ts
 * parseMargin('2pp'); // 0.02
 * ```
 */
export function parseMargin(v: string | undefined, dflt = 0.02): number {
  if (v === undefined || v.trim() === '') return dflt;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(pp|%)?\s*$/i.exec(v);
  if (!m) throw new InvalidRequestError(`margin must look like 2pp, 2% or 0.02 (got '${v}')`, { param: 'margin' });
  const n = Number(m[1]);
  const f = m[2] || n >= 1 ? n / 100 : n;
  if (f >= 1) throw new InvalidRequestError(`margin must be below 100 points (got '${v}')`, { param: 'margin' });
  return f;
}
