/**
 * Reading a JSON request body with a size limit, without losing the position of a syntax error.
 */
import type { Context } from 'hono';
import { InvalidRequestError, RequestTooLargeError } from '../errors.js';

/**
 * Reads and parses the JSON body of a request.
 * Throws `RequestTooLargeError` (413) past `maxBytes` and `InvalidRequestError` (400) on bad JSON.
 */
export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(Number(declared), maxBytes);
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > maxBytes) throw tooLarge(buf.byteLength, maxBytes);
  if (buf.byteLength === 0) throw new InvalidRequestError('The request body is empty; send a JSON object (content-type: application/json).');
  const text = new TextDecoder().decode(buf);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new InvalidRequestError(`The request body is not valid JSON (${msg}). Send a JSON object.`);
  }
}

function tooLarge(size: number, max: number): RequestTooLargeError {
  return new RequestTooLargeError(`The request body is ${size} bytes; the limit is ${max} bytes (server.max_body_bytes in daca.yaml).`);
}
