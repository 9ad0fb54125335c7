/**
 * Reading a JSON request body with a size limit, without losing the position of a syntax error.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { InvalidRequestError, RequestTooLargeError } from '../errors.js';

/**
 * Reads and parses the JSON body of a request.
 * Throws `RequestTooLargeError` (413) past `maxBytes` and `InvalidRequestError` (400) on bad JSON.
 */
export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(Number(declared), maxBytes);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const text = incoming ? await readIncoming(incoming, maxBytes) : await readWeb(c, maxBytes);
  if (text.length === 0) throw new InvalidRequestError('The request body is empty; send a JSON object (content-type: application/json).');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new InvalidRequestError(`The request body is not valid JSON (${msg}). Send a JSON object.`);
  }
}

/** Reads a Node request body straight from its stream (cheaper than the WHATWG body path). */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    incoming.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxBytes) {
        incoming.removeAllListeners('data');
        incoming.resume(); // drain the rest so the connection stays usable for the 413
        reject(tooLarge(size, maxBytes));
        return;
      }
      parts.push(d);
    });
    incoming.once('end', () => resolve(parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8')));
    incoming.once('error', reject);
  });
}

async function readWeb(c: Context, maxBytes: number): Promise<string> {
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > maxBytes) throw tooLarge(buf.byteLength, maxBytes);
  return new TextDecoder().decode(buf);
}

function tooLarge(size: number, max: number): RequestTooLargeError {
  return new RequestTooLargeError(`The request body is ${size} bytes; the limit is ${max} bytes (server.max_body_bytes in daca.yaml).`);
}

/** A gateway body read for metering: the parsed value, its fields, and the error reading it raised. */
export interface CallBody {
  raw: unknown;
  /** The body's fields (empty when it is not an object). */
  obj: Record<string, unknown>;
  /** The error reading or parsing the body raised; thrown later so the call is metered first. */
  readError: unknown;
}

/**
 * Reads a gateway request body without throwing: a bad body is still metered (with the caller's
 * attribution) before its 400/413 is returned.
 */
export async function readCallBody(c: Context, maxBytes: number): Promise<CallBody> {
  let raw: unknown;
  let readError: unknown = null;
  try {
    raw = await readJsonBody(c, maxBytes);
  } catch (e) {
    readError = e;
  }
  return { raw, obj: (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>, readError };
}
