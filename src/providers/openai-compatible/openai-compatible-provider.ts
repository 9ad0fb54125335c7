/**
 * A provider for any OpenAI-compatible endpoint (OpenAI, Azure-style proxies, vLLM, Ollama, …).
 */
import { UpstreamError } from '../../errors.js';
import { parseSSE } from '../../wire/sse.js';
import { errorFromUpstreamStream } from '../../wire/upstream-error.js';
import { UpstreamExchange } from '../../wire/upstream-exchange.js';
import type { CallContext, ChatChunk, ChatMessage, ChatRequest, ChatResult, EmbeddingRequest, EmbeddingResult, ModelProvider, Usage } from '../types.js';

/** Connection settings of an OpenAI-compatible provider (the `kind: openai` spec entry). */
export interface OpenAICompatibleSpec {
  /** Base URL including the version path, e.g. `https://api.openai.com/v1`. */
  base_url: string;
  api_key?: string;
  headers: Record<string, string>;
  /** Longest time without upstream progress; default 600 000 ms. */
  timeout_ms?: number;
}

const DEFAULT_TIMEOUT_MS = 600_000;

/**
 * Creates an OpenAI-compatible provider. Uses the global `fetch` (undici, keep-alive pooled).
 * `extra` request fields are forwarded; streams ask for `stream_options.include_usage`.
 * Upstream 429 → `RateLimitError`, 400/422 → `InvalidRequestError`, 404 → `ModelNotFoundError`,
 * other failures → `UpstreamError` with `details.upstream_status`; a caller abort rethrows the
 * abort reason and closes the upstream socket.
 *
 * @example
 * ```ts
 * const p = createOpenAICompatibleProvider('openai', { base_url: 'https://api.openai.com/v1', api_key, headers: {} });
 * const r = await p.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, ctx);
 * ```
 */
export function createOpenAICompatibleProvider(name: string, spec: OpenAICompatibleSpec): ModelProvider {
  const base = spec.base_url.replace(/\/+$/, '');
  const chatUrl = `${base}/chat/completions`;
  const embedUrl = `${base}/embeddings`;
  const timeoutMs = spec.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  const staticHeaders: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...spec.headers };
  if (spec.api_key) staticHeaders.authorization = `Bearer ${spec.api_key}`;

  const headers = (ctx: CallContext, stream = false): Record<string, string> => {
    const h: Record<string, string> = { ...staticHeaders, 'x-request-id': ctx.requestId };
    if (ctx.traceparent) h.traceparent = ctx.traceparent;
    if (stream) h.accept = 'text/event-stream';
    return h;
  };

  return {
    name,
    kind: 'openai',

    async chat(req, ctx) {
      const x = new UpstreamExchange(name, req.model, timeoutMs, ctx);
      let finished = false;
      try {
        const res = await x.post(chatUrl, headers(ctx), JSON.stringify(requestBody(req, false)));
        const result = (await res.json()) as ChatResult;
        finished = true;
        if (!result || !Array.isArray(result.choices)) throw new UpstreamError(`Provider "${name}" returned a body that is not a chat completion`, { details: { provider: name } });
        result.usage = normaliseUsage(result.usage);
        return result;
      } catch (e) {
        throw x.error(e);
      } finally {
        x.end(finished);
      }
    },

    async *chatStream(req, ctx) {
      const x = new UpstreamExchange(name, req.model, timeoutMs, ctx);
      let finished = false;
      try {
        const res = await x.post(chatUrl, headers(ctx, true), JSON.stringify(requestBody(req, true)));
        if (!res.body) throw new UpstreamError(`Provider "${name}" returned an empty stream`, { details: { provider: name } });
        for await (const ev of parseSSE(res.body)) {
          x.touch();
          const data = ev.data;
          if (data === '[DONE]') {
            finished = true;
            continue; // read to the end of the body so the socket returns to the keep-alive pool
          }
          if (finished) continue;
          let chunk: ChatChunk & { error?: { type?: string; code?: string; message?: string } };
          try {
            chunk = JSON.parse(data) as typeof chunk;
          } catch {
            throw new UpstreamError(`Provider "${name}" sent a malformed stream chunk: ${data.slice(0, 200)}`, { details: { provider: name } });
          }
          if (chunk.error) throw errorFromUpstreamStream(name, chunk.error.type ?? chunk.error.code, chunk.error.message ?? JSON.stringify(chunk.error));
          if (chunk.usage) chunk.usage = normaliseUsage(chunk.usage);
          yield chunk;
        }
        if (finished) return;
        throw new UpstreamError(`Provider "${name}" ended the stream before [DONE]`, { details: { provider: name } });
      } catch (e) {
        throw x.error(e);
      } finally {
        x.end(finished);
      }
    },

    async embed(req: EmbeddingRequest, ctx: CallContext): Promise<EmbeddingResult> {
      const x = new UpstreamExchange(name, req.model, timeoutMs, ctx);
      let finished = false;
      try {
        const res = await x.post(embedUrl, headers(ctx), JSON.stringify(req));
        const result = (await res.json()) as EmbeddingResult;
        finished = true;
        if (!result || !Array.isArray(result.data)) throw new UpstreamError(`Provider "${name}" returned a body that is not an embeddings list`, { details: { provider: name } });
        return result;
      } catch (e) {
        throw x.error(e);
      } finally {
        x.end(finished);
      }
    },
  };
}

/** The upstream body: `extra` first, canonical fields over it; thinking parts removed from assistant turns. */
function requestBody(req: ChatRequest, stream: boolean): Record<string, unknown> {
  const { extra, ...rest } = req;
  const body: Record<string, unknown> = extra ? { ...extra, ...rest } : rest;
  if (hasThinkingParts(req.messages)) body.messages = req.messages.map(stripThinking);
  if (stream) {
    body.stream = true;
    const so = extra?.stream_options;
    body.stream_options = so && typeof so === 'object' ? { ...so, include_usage: true } : { include_usage: true };
  } else if (body.stream !== undefined) {
    delete body.stream;
    delete body.stream_options;
  }
  return body;
}

function isThinking(p: { type: string }): boolean {
  return p.type === 'thinking' || p.type === 'redacted_thinking';
}

function hasThinkingParts(messages: ChatMessage[]): boolean {
  for (const m of messages) if (m.role === 'assistant' && Array.isArray(m.content) && m.content.some(isThinking)) return true;
  return false;
}

function stripThinking(m: ChatMessage): ChatMessage {
  return m.role === 'assistant' && Array.isArray(m.content) ? { ...m, content: m.content.filter((p) => !isThinking(p)) } : m;
}

/** Adds `cached_tokens` from OpenAI's `prompt_tokens_details`; missing usage becomes zeros. */
function normaliseUsage(u: (Usage & { prompt_tokens_details?: { cached_tokens?: number } | null }) | null | undefined): Usage {
  if (!u) return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (cached && u.cached_tokens === undefined) u.cached_tokens = cached;
  return u;
}
