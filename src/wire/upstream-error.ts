/**
 * Maps an upstream provider's HTTP error (OpenAI or Anthropic error body, or anything else) to a
 * daca error, keeping the meaning of statuses the caller caused (400/404/413/422/429).
 */
import { InvalidRequestError, ModelNotFoundError, RateLimitError, RequestTooLargeError, UpstreamError, type DacaError } from '../errors.js';

/** What could be read from an upstream error body. */
export interface UpstreamErrorInfo {
  message: string;
  type?: string;
  code?: string;
  param?: string;
  /** True when the body was a recognised JSON error body (not an HTML page or proxy text). */
  recognised: boolean;
}

/**
 * Reads the message (and type/code/param) from an OpenAI `{"error":{…}}`, Anthropic
 * `{"type":"error","error":{…}}`, FastAPI `{"detail":…}` or `{"message":…}` body; falls back to the text.
 */
export function readUpstreamError(text: string): UpstreamErrorInfo {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500).trim() || '(empty body)', recognised: false };
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const e = o.error;
    if (e && typeof e === 'object') {
      const eo = e as Record<string, unknown>;
      const info: UpstreamErrorInfo = { message: str(eo.message) ?? JSON.stringify(e), recognised: true };
      const type = str(eo.type);
      const code = str(eo.code);
      const param = str(eo.param);
      if (type) info.type = type;
      if (code) info.code = code;
      if (param) info.param = param;
      return info;
    }
    if (typeof e === 'string') return { message: e, recognised: true };
    const m = str(o.message) ?? (typeof o.detail === 'string' ? o.detail : o.detail !== undefined ? JSON.stringify(o.detail) : undefined);
    if (m) return { message: m, recognised: true };
  }
  return { message: text.slice(0, 500), recognised: false };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Anything with a `get(name)` for response headers (WHATWG Headers or a Node adapter). */
export type HeaderGetter = Pick<Headers, 'get'>;

/** Seconds to wait from `retry-after-ms` / `retry-after` (seconds or HTTP date); `fallback` when absent. */
export function retryAfterSeconds(headers: HeaderGetter, now: number = Date.now(), fallback = 1): number {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms) / 1000);
  const ra = headers.get('retry-after');
  if (ra === null) return fallback;
  const n = Number(ra);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(ra);
  return Number.isFinite(at) ? Math.max(0, (at - now) / 1000) : fallback;
}

/**
 * The daca error for a non-2xx upstream response.
 *
 * @example
 * ```ts
 * if (!res.ok) throw errorFromUpstreamResponse('openai', req.model, res.status, res.headers, await res.text());
 * ```
 */
export function errorFromUpstreamResponse(provider: string, model: string, status: number, headers: HeaderGetter, text: string): DacaError {
  const info = readUpstreamError(text);
  const details: Record<string, unknown> = { provider, upstream_status: status, upstream_message: info.message };
  if (info.type) details.upstream_type = info.type;
  if (info.code) details.upstream_code = info.code;
  switch (status) {
    case 429:
      return new RateLimitError(`Provider "${provider}" rate-limited the request: ${info.message}`, retryAfterSeconds(headers), details);
    case 400:
    case 422:
      return new InvalidRequestError(info.message, { param: info.param ?? null, details });
    case 413:
      return new RequestTooLargeError(info.message, { details });
    case 404:
      if (info.code === 'model_not_found' || (info.recognised && (info.message.includes(model) || /\bmodel\b/i.test(info.message)))) {
        const e = new ModelNotFoundError(model);
        Object.assign(e.details, details);
        return e;
      }
      break;
    default:
      break;
  }
  return new UpstreamError(`Provider "${provider}" returned HTTP ${status}: ${info.message}`, { details });
}

/**
 * The daca error for an error reported inside a stream (Anthropic `event: error`, or an OpenAI
 * `data: {"error":…}` chunk), classified by the upstream error `type`.
 */
export function errorFromUpstreamStream(provider: string, type: string | undefined, message: string): DacaError {
  const details = { provider, upstream_type: type ?? null, upstream_message: message };
  if (type === 'rate_limit_error' || type === 'rate_limit_exceeded') return new RateLimitError(`Provider "${provider}" rate-limited the request: ${message}`, 1, details);
  if (type === 'invalid_request_error') return new InvalidRequestError(message, { details });
  return new UpstreamError(`Provider "${provider}" failed mid-stream (${type ?? 'error'}): ${message}`, { details });
}
