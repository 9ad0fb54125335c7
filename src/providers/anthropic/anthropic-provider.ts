/**
 * A provider for the Anthropic Messages API.
 */
import { InvalidRequestError, UpstreamError } from '../../errors.js';
import { AnthropicStreamDecoder } from '../../wire/anthropic/stream-decoder.js';
import { chatRequestToAnthropic } from '../../wire/anthropic/from-chat-request.js';
import { anthropicMessageToChatResult } from '../../wire/anthropic/message.js';
import type { AnthropicMessage } from '../../wire/anthropic/types.js';
import { parseSSE } from '../../wire/sse.js';
import { UpstreamExchange } from '../../wire/upstream-exchange.js';
import type { CallContext, ChatResult, ModelProvider } from '../types.js';

/** Connection settings of an Anthropic provider (the `kind: anthropic` spec entry). */
export interface AnthropicSpec {
  /** API origin, e.g. `https://api.anthropic.com` (a trailing `/v1` is accepted). */
  base_url: string;
  api_key?: string;
  headers: Record<string, string>;
  /** Longest time without upstream progress; default 600 000 ms. */
  timeout_ms?: number;
  /** `anthropic-version` header, e.g. `2023-06-01`. */
  version: string;
}

/** Options that are not part of the spec entry. */
export interface AnthropicProviderOptions {
  /** `max_tokens` sent when the request gives none (Anthropic requires it); default 4096. */
  defaultMaxTokens?: number;
  /** Clock for `created` timestamps. */
  now?: () => number;
}

/**
 * Creates an Anthropic provider: translates canonical requests to `POST /v1/messages` (with
 * `x-api-key` and `anthropic-version`), responses and stream events back. Errors map like the
 * OpenAI-compatible provider's; `embed` throws `InvalidRequestError`.
 *
 * @example
 * ```ts
 * const p = createAnthropicProvider('anthropic', { base_url: 'https://api.anthropic.com', api_key, headers: {}, version: '2023-06-01' });
 * ```
 */
export function createAnthropicProvider(name: string, spec: AnthropicSpec, opts: AnthropicProviderOptions = {}): ModelProvider {
  const base = spec.base_url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const url = `${base}/v1/messages`;
  const timeoutMs = spec.timeout_ms ?? 600_000;
  const defaults = { maxTokens: opts.defaultMaxTokens ?? 4096 };
  const now = opts.now ?? Date.now;
  const staticHeaders: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'anthropic-version': spec.version, ...spec.headers };
  if (spec.api_key) staticHeaders['x-api-key'] = spec.api_key;

  const headers = (ctx: CallContext, stream: boolean): Record<string, string> => {
    const h: Record<string, string> = { ...staticHeaders, 'x-request-id': ctx.requestId };
    if (ctx.traceparent) h.traceparent = ctx.traceparent;
    if (stream) h.accept = 'text/event-stream';
    return h;
  };

  return {
    name,
    kind: 'anthropic',

    async chat(req, ctx): Promise<ChatResult> {
      const body = chatRequestToAnthropic(req, defaults);
      const x = new UpstreamExchange(name, req.model, timeoutMs, ctx);
      let finished = false;
      try {
        const res = await x.post(url, headers(ctx, false), JSON.stringify(body));
        const msg = (await res.json()) as AnthropicMessage;
        finished = true;
        if (!msg || msg.type !== 'message' || !Array.isArray(msg.content)) {
          throw new UpstreamError(`Provider "${name}" returned a body that is not an Anthropic message`, { details: { provider: name } });
        }
        return anthropicMessageToChatResult(msg, now);
      } catch (e) {
        throw x.error(e);
      } finally {
        x.end(finished);
      }
    },

    async *chatStream(req, ctx) {
      const body = chatRequestToAnthropic(req, defaults);
      body.stream = true;
      const x = new UpstreamExchange(name, req.model, timeoutMs, ctx);
      let finished = false;
      try {
        const res = await x.post(url, headers(ctx, true), JSON.stringify(body));
        if (!res.body) throw new UpstreamError(`Provider "${name}" returned an empty stream`, { details: { provider: name } });
        const dec = new AnthropicStreamDecoder(name, now);
        for await (const ev of parseSSE(res.body)) {
          x.touch();
          const chunks = dec.push(ev);
          for (let i = 0; i < chunks.length; i++) yield chunks[i]!;
          if (dec.done) finished = true; // keep reading to the end so the socket returns to the pool
        }
        if (finished) return;
        throw new UpstreamError(`Provider "${name}" ended the stream before message_stop`, { details: { provider: name } });
      } catch (e) {
        throw x.error(e);
      } finally {
        x.end(finished);
      }
    },

    async embed() {
      throw new InvalidRequestError('Anthropic has no embeddings endpoint; declare an embedding model on another provider', { param: 'model' });
    },
  };
}
