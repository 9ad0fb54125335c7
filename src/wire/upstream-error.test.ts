import { describe, expect, it } from 'vitest';
import { InvalidRequestError, ModelNotFoundError, RateLimitError, RequestTooLargeError, UpstreamError } from '../errors.js';
import { errorFromUpstreamResponse, readUpstreamError, retryAfterSeconds } from './upstream-error.js';

const h = (o: Record<string, string> = {}) => new Headers(o);

describe('readUpstreamError', () => {
  it('reads OpenAI, Anthropic, FastAPI/vLLM, Ollama and non-JSON bodies', () => {
    expect(readUpstreamError('{"error":{"message":"bad","type":"invalid_request_error","param":"tools","code":"x"}}')).toEqual({ message: 'bad', type: 'invalid_request_error', param: 'tools', code: 'x', recognised: true });
    expect(readUpstreamError('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toMatchObject({ message: 'Overloaded', type: 'overloaded_error' });
    expect(readUpstreamError('{"object":"error","message":"The model `m` does not exist.","type":"NotFoundError","code":404}')).toMatchObject({ message: 'The model `m` does not exist.', recognised: true });
    expect(readUpstreamError('{"detail":[{"loc":["body"],"msg":"field required"}]}').message).toContain('field required');
    expect(readUpstreamError('{"error":"model \\"llama9\\" not found, try pulling it first"}')).toMatchObject({ message: 'model "llama9" not found, try pulling it first', recognised: true });
    expect(readUpstreamError('<html>502 Bad Gateway</html>')).toEqual({ message: '<html>502 Bad Gateway</html>', recognised: false });
    expect(readUpstreamError('').message).toBe('(empty body)');
  });
});

describe('retryAfterSeconds', () => {
  it('prefers retry-after-ms, accepts seconds and HTTP dates, falls back', () => {
    expect(retryAfterSeconds(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1.5);
    expect(retryAfterSeconds(h({ 'retry-after': '20' }))).toBe(20);
    expect(retryAfterSeconds(h({ 'retry-after': new Date(61_000).toUTCString() }), 1_000)).toBe(60);
    expect(retryAfterSeconds(h(), 0, 4)).toBe(4);
  });
});

describe('errorFromUpstreamResponse', () => {
  it('keeps the meaning of caller-caused statuses', () => {
    expect(errorFromUpstreamResponse('p', 'm', 400, h(), '{"error":{"message":"x"}}')).toBeInstanceOf(InvalidRequestError);
    expect(errorFromUpstreamResponse('p', 'm', 422, h(), '{"detail":"x"}')).toBeInstanceOf(InvalidRequestError);
    expect(errorFromUpstreamResponse('p', 'm', 413, h(), 'too big')).toBeInstanceOf(RequestTooLargeError);
    const rl = errorFromUpstreamResponse('p', 'm', 429, h({ 'retry-after': '30' }), '{}');
    expect(rl).toBeInstanceOf(RateLimitError);
    expect(rl.headers['retry-after']).toBe('30');
  });

  it('says model not found only when the upstream talks about the model', () => {
    expect(errorFromUpstreamResponse('p', 'llama9', 404, h(), '{"error":"model \\"llama9\\" not found"}')).toBeInstanceOf(ModelNotFoundError);
    expect(errorFromUpstreamResponse('p', 'gpt', 404, h(), '{"error":{"message":"nope","code":"model_not_found"}}')).toBeInstanceOf(ModelNotFoundError);
    const path = errorFromUpstreamResponse('p', 'gpt', 404, h(), '{"error":{"message":"Invalid URL (POST /v2/chat)"}}');
    expect(path).not.toBeInstanceOf(ModelNotFoundError);
    expect(path).toBeInstanceOf(UpstreamError);
  });

  it('reports server errors and credential problems as upstream errors with details', () => {
    for (const status of [401, 403, 500, 502, 503, 529]) {
      const e = errorFromUpstreamResponse('p', 'm', status, h(), '{"error":{"message":"boom"}}');
      expect(e, String(status)).toBeInstanceOf(UpstreamError);
      expect(e.details).toMatchObject({ provider: 'p', upstream_status: status, upstream_message: 'boom' });
    }
  });
});
