/**
 * The one typed error hierarchy of daca.
 *
 * Every error has a stable `code`, an HTTP `status`, and says whether it is the caller's fault.
 * Handlers throw these; the server's single `onError` maps them to the OpenAI error body (or the
 * Anthropic body on `/v1/messages`). Never match on messages: use `instanceof` or `code`.
 *
 * @example
 * ```ts
 * throw new ModelNotFoundError('gpt-9');
 * ```
 */
export abstract class DacaError extends Error {
  /** Stable machine-readable code, e.g. `invalid_request`. */
  abstract readonly code: string;
  /** HTTP status the error maps to. */
  abstract readonly status: number;
  /** OpenAI error `type` field. */
  readonly type: string = 'invalid_request_error';
  /** True when the caller can fix it by changing the request. */
  readonly callerFault: boolean = true;
  /** The offending request field, when there is one. */
  readonly param: string | null;
  /** Extra fields merged into the error body (e.g. `approval_id`, `guardrail`). */
  readonly details: Record<string, unknown>;
  /** Response headers the error must carry (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    message: string,
    opts: { param?: string | null; details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.param = opts.param ?? null;
    this.details = opts.details ?? {};
    this.headers = opts.headers ?? {};
  }
}

/** 400 `invalid_request`: malformed JSON or a schema violation. */
export class InvalidRequestError extends DacaError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

/** 401 `invalid_api_key`: missing, unknown or revoked key. */
export class InvalidApiKeyError extends DacaError {
  readonly code = 'invalid_api_key';
  readonly status = 401;
  override readonly type = 'authentication_error';
}

/** 403 `forbidden`: the key may not use this model, agent or route. */
export class ForbiddenError extends DacaError {
  readonly code = 'forbidden';
  readonly status = 403;
  override readonly type = 'permission_error';
}

/** 403 `approval_required`: a human must approve first; details carry `approval_id`. */
export class ApprovalRequiredError extends DacaError {
  readonly code = 'approval_required';
  readonly status = 403;
  override readonly type = 'permission_error';
}

/** 400 `content_blocked`: a guardrail blocked input or output; details name the guardrail. */
export class ContentBlockedError extends DacaError {
  readonly code = 'content_blocked';
  readonly status = 400;
}

/** 404 `model_not_found`: unknown model or alias. */
export class ModelNotFoundError extends DacaError {
  readonly code = 'model_not_found';
  readonly status = 404;
  constructor(model: string, known: readonly string[] = []) {
    const hint = known.length ? ` Available models: ${known.slice(0, 12).join(', ')}.` : '';
    super(`The model '${model}' does not exist or is not available to this key.${hint}`, { param: 'model' });
  }
}

/** 404 `not_found`: an admin resource (key, usage row, …) that does not exist. */
export class NotFoundError extends DacaError {
  readonly code = 'not_found';
  readonly status = 404;
}

/** 413 `request_too_large`: body over the configured limit. */
export class RequestTooLargeError extends DacaError {
  readonly code = 'request_too_large';
  readonly status = 413;
}

/** 402 `budget_exceeded`: a budget would be exceeded; message names the limit. */
export class BudgetExceededError extends DacaError {
  readonly code = 'budget_exceeded';
  readonly status = 402;
  override readonly type = 'insufficient_quota';
}

/** 429 `rate_limit_exceeded`: sets `Retry-After`. */
export class RateLimitError extends DacaError {
  readonly code = 'rate_limit_exceeded';
  readonly status = 429;
  override readonly type = 'rate_limit_error';
  constructor(message: string, retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super(message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) }, details });
  }
}

/** 502 `upstream_error`: every upstream attempt failed. */
export class UpstreamError extends DacaError {
  readonly code: string = 'upstream_error';
  readonly status: number = 502;
  override readonly type = 'api_error';
  override readonly callerFault = false;
}

/** 503 `upstream_unavailable`: circuit open or no healthy upstream. */
export class UpstreamUnavailableError extends UpstreamError {
  override readonly code: string = 'upstream_unavailable';
  override readonly status = 503;
}

/** 504-ish upstream timeout, reported as 502 `upstream_error` per the contract. */
export class UpstreamTimeoutError extends UpstreamError {}

/** 499 `client_closed_request`: the caller went away before the answer was complete (metered, never sent). */
export class ClientClosedError extends DacaError {
  readonly code = 'client_closed_request';
  readonly status = 499;
}

/** 500 `internal_error`: a bug in daca. Never thrown on purpose for caller mistakes. */
export class InternalError extends DacaError {
  readonly code = 'internal_error';
  readonly status = 500;
  override readonly type = 'api_error';
  override readonly callerFault = false;
}

/** 409 `conflict`: the resource already exists or changed concurrently. */
export class ConflictError extends DacaError {
  readonly code = 'conflict';
  readonly status = 409;
}

/** A position in a spec file, for errors that point at a line. */
export interface SpecLocation {
  file: string;
  line: number;
  column: number;
  /** Dotted field path, e.g. `models.small.price.input`. */
  path: string;
}

/** An invalid `daca.yaml`: names file, line, column and field path, and says what is expected. */
export class SpecError extends DacaError {
  readonly code = 'invalid_spec';
  readonly status = 400;
  readonly issues: readonly (SpecLocation & { message: string })[];
  constructor(issues: readonly (SpecLocation & { message: string })[]) {
    super(issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path || '(root)'}: ${i.message}`).join('\n'));
    this.issues = issues;
  }
}

/** Type guard for any daca error. */
export function isDacaError(e: unknown): e is DacaError {
  return e instanceof DacaError;
}
