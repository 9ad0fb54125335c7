/**
 * Turns a zod validation failure of a request body into one clear `InvalidRequestError`.
 */
import type { z } from 'zod';
import { InvalidRequestError } from '../errors.js';

/** Builds the 400 for a failed parse: names the first offending field and what it expected. */
export function requestSchemaError(error: z.ZodError, what: string): InvalidRequestError {
  const issues = error.issues.slice(0, 3).map((i) => {
    const path = i.path.map(String).join('.');
    return `${path || '(body)'}: ${i.message}`;
  });
  const first = error.issues[0];
  const param = first && first.path.length ? first.path.map(String).join('.') : null;
  return new InvalidRequestError(`Invalid ${what}: ${issues.join('; ')}`, { param });
}
