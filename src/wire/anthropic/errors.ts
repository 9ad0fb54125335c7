/**
 * Anthropic error bodies and the mapping from daca errors to Anthropic error types.
 */
import type { AnthropicErrorBody } from './types.js';

const BY_CODE: Record<string, string> = {
  invalid_request: 'invalid_request_error',
  content_blocked: 'invalid_request_error',
  invalid_spec: 'invalid_request_error',
  conflict: 'invalid_request_error',
  invalid_api_key: 'authentication_error',
  forbidden: 'permission_error',
  approval_required: 'permission_error',
  model_not_found: 'not_found_error',
  not_found: 'not_found_error',
  request_too_large: 'request_too_large',
  budget_exceeded: 'billing_error',
  rate_limit_exceeded: 'rate_limit_error',
  upstream_error: 'api_error',
  upstream_unavailable: 'overloaded_error',
  internal_error: 'api_error',
};

/**
 * The Anthropic error `type` for an HTTP status, refined by the daca error `code` when given.
 * (402 `budget_exceeded` maps to Anthropic's own `billing_error`.)
 *
 * @example
 * ```ts
 * anthropicErrorType(429); // 'rate_limit_error'
 * anthropicErrorType(503, 'upstream_unavailable'); // 'overloaded_error'
 * ```
 */
export function anthropicErrorType(status: number, code?: string): string {
  const t = code === undefined ? undefined : BY_CODE[code];
  if (t) return t;
  switch (status) {
    case 400:
    case 409:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/**
 * The Anthropic error body.
 *
 * @example
 * ```ts
 * anthropicErrorBody('not_found_error', 'model: claude-9'); // {"type":"error","error":{"type":"not_found_error","message":"model: claude-9"}}
 * ```
 */
export function anthropicErrorBody(type: string, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message } };
}
