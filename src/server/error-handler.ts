/**
 * The one `onError`: maps every error to a response. Handlers throw typed errors; only this file
 * builds error bodies. OpenAI's body everywhere, Anthropic's on `/v1/messages`.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DacaError, InternalError, InvalidRequestError } from '../errors.js';
import { anthropicErrorBody, anthropicErrorType } from '../wire/anthropic/errors.js';

/** Where unexpected errors are reported (the logger). */
export type ErrorReporter = (err: unknown, c: Context) => void;

/** Normalises anything thrown into a DacaError. */
export function toDacaError(err: unknown): DacaError {
  if (err instanceof DacaError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400) return new InvalidRequestError(err.message || 'bad request');
    return new InternalError(err.message || `HTTP ${err.status}`);
  }
  return new InternalError('daca hit an unexpected error; the request was not completed. See the server log for details.', { cause: err });
}

/** Builds the error handler. */
export function errorHandler(report: ErrorReporter) {
  return (err: unknown, c: Context): Response => {
    const e = toDacaError(err);
    if (!e.callerFault || e.status >= 500) report(err, c);
    const requestId = (c.get('requestId' as never) as string | undefined) ?? undefined;
    const headers: Record<string, string> = { ...e.headers };
    if (requestId) headers['x-daca-request-id'] = requestId;
    const status = e.status as 400;
    if (c.req.path.startsWith('/v1/messages')) {
      const body = anthropicErrorBody(anthropicErrorType(e.status), e.message) as { error: Record<string, unknown> };
      Object.assign(body.error, { code: e.code }, e.details);
      return c.json(body, status, headers);
    }
    return c.json({ error: { message: e.message, type: e.type, code: e.code, param: e.param, ...e.details } }, status, headers);
  };
}
