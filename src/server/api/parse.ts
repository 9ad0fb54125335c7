/**
 * JSON body and query parsing for the admin API, with errors that name the field.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { InvalidRequestError } from '../../errors.js';
import { requestSchemaError } from '../../gateway/zod-error.js';

/** Parses and validates a JSON body against a schema. */
export async function parseJson<S extends z.ZodType>(c: Context, schema: S, what: string): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text ? JSON.parse(text) : {};
  } catch (e) {
    throw new InvalidRequestError(`The request body is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw requestSchemaError(r.error, what);
  return r.data;
}
