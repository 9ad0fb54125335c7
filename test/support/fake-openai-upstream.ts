/**
 * A local fake of the OpenAI REST API (chat completions, streaming, tools, embeddings, models,
 * errors) on 127.0.0.1 with an ephemeral port. Shapes are copied from the real API so the official
 * `openai` SDK parses them; the gateway benchmark uses it as its direct baseline.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dropConnection, fakeTokens as tokens, playEvents, sendJson, splitText as splitReply, startFakeUpstreamBase, type FakeUpstream } from './fake-upstream-base.js';

export type { RecordedRequest } from './fake-upstream-base.js';

/** How the fake answers a request. */
export type FakeOpenAIMode =
  | { kind: 'ok'; reply?: string; finishReason?: 'stop' | 'length' | 'content_filter' }
  | { kind: 'tool_calls'; calls: { name: string; arguments: string }[] }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rate_limit'; retryAfter?: number }
  /** Never answers (a stream first sends `afterChunks` chunks); records the disconnect when the client leaves. */
  | { kind: 'hang'; afterChunks?: number }
  /** Streams `afterChunks` chunks, then a line of invalid JSON (a plain call gets truncated JSON). */
  | { kind: 'malformed'; afterChunks?: number }
  /** Streams `afterChunks` chunks, then destroys the socket. */
  | { kind: 'close_mid_stream'; afterChunks?: number }
  /** Streams every chunk but ends the body without `data: [DONE]`. */
  | { kind: 'end_without_done' };

/** Options of the fake OpenAI upstream. */
export interface FakeOpenAIOptions {
  /** Reply text of `ok` answers. */
  reply?: string;
  /** Number of content deltas a stream splits the reply into (default: one per word). */
  chunks?: number;
  /** Delay before the response starts. */
  ttftMs?: number;
  /** Delay between stream chunks. */
  chunkDelayMs?: number;
  /** Default mode (default `{ kind: 'ok' }`). */
  mode?: FakeOpenAIMode;
  /** Record requests (default true; turn off for benchmarks). */
  record?: boolean;
  /** Prompt tokens reported as cached (`prompt_tokens_details.cached_tokens`). */
  cachedTokens?: number;
  /** Embedding size when the request gives no `dimensions` (default 8). */
  dimensions?: number;
  /** Ids listed by `GET /v1/models`. */
  models?: string[];
}

/** A running fake OpenAI upstream. `url` is the origin; SDKs use `${url}/v1` as base URL. */
export type FakeOpenAIUpstream = FakeUpstream<FakeOpenAIMode>;

const DEFAULT_REPLY = 'Hello! This is the fake OpenAI upstream.';

/**
 * Starts the fake on 127.0.0.1:0.
 *
 * @example
 * ```ts
 * const up = await startFakeOpenAIUpstream({ reply: 'hi' });
 * const client = new OpenAI({ baseURL: `${up.url}/v1`, apiKey: 'x' });
 * ```
 */
export async function startFakeOpenAIUpstream(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAIUpstream> {
  const upstream = await startFakeUpstreamBase<FakeOpenAIMode>({
    mode: opts.mode ?? { kind: 'ok' },
    record: opts.record,
    ttftMs: opts.ttftMs,
    handle: ({ req, res, path, body, bad, mode, id }) => route(req, res, path, body, bad, mode, id),
  });

  function route(req: IncomingMessage, res: ServerResponse, path: string, body: unknown, bad: boolean, m: FakeOpenAIMode, id: number): void {
    if (bad) return sendError(res, 400, { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null });
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (opts.models ?? ['gpt-4o-mini', 'text-embedding-3-small']).map((m2) => ({ id: m2, object: 'model', created: 1700000000, owned_by: 'fake' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/embeddings')) {
      return sendError(res, 404, { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null });
    }
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.model !== 'string') return sendError(res, 400, { message: 'you must provide a model parameter', type: 'invalid_request_error', param: null, code: null });
    if (m.kind === 'error') return sendError(res, m.status, m.body ?? defaultErrorBody(m.status, b.model), m.headers);
    if (m.kind === 'rate_limit') {
      return sendError(
        res,
        429,
        { message: `Rate limit reached for ${b.model} on requests per min (RPM): Limit 3, Used 3, Requested 1.`, type: 'requests', param: null, code: 'rate_limit_exceeded' },
        { 'retry-after': String(m.retryAfter ?? 1) },
      );
    }
    if (path === '/v1/embeddings') return embeddings(res, b);
    if (b.stream === true) return stream(res, b, m, id);
    if (m.kind === 'hang') return;
    const completion = completionBody(b, m, id);
    if (m.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${id}` });
      res.end(JSON.stringify(completion).slice(0, 40));
      return;
    }
    sendJson(res, 200, completion, { 'x-request-id': `req_${id}` });
  }

  const pieces = splitReply(opts.reply ?? DEFAULT_REPLY, opts.chunks);

  function completionBody(b: Record<string, unknown>, m: FakeOpenAIMode, id: number): object {
    const calls = m.kind === 'tool_calls' ? m.calls : undefined;
    const text = m.kind === 'ok' && m.reply !== undefined ? m.reply : opts.reply ?? DEFAULT_REPLY;
    const message = calls
      ? { role: 'assistant', content: null, tool_calls: calls.map((c, i) => ({ id: callId(id, i), type: 'function', function: { name: c.name, arguments: c.arguments } })), refusal: null, annotations: [] }
      : { role: 'assistant', content: text, refusal: null, annotations: [] };
    const completion = calls ? calls.reduce((n, c) => n + tokens(c.arguments) + 5, 0) : tokens(text);
    return {
      id: `chatcmpl-fake${id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: b.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: calls ? 'tool_calls' : m.kind === 'ok' && m.finishReason ? m.finishReason : 'stop' }],
      usage: usage(b, completion),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
  }

  function usage(b: Record<string, unknown>, completion: number): object {
    const prompt = promptTokens(b);
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: Math.min(prompt, opts.cachedTokens ?? 0), audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
  }

  function stream(res: ServerResponse, b: Record<string, unknown>, m: FakeOpenAIMode, id: number): void {
    const includeUsage = (b.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const base = `{"id":"chatcmpl-fake${id}","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(b.model)},"service_tier":"default","system_fingerprint":"fp_fake","choices":`;
    const tail = includeUsage ? ',"usage":null}' : '}';
    const events: string[] = [];
    const choice = (delta: object, finish: string | null): string => `data: ${base}[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${tail}\n\n`;
    let completion: number;
    if (m.kind === 'tool_calls') {
      completion = 0;
      m.calls.forEach((c, i) => {
        const first = { index: i, id: callId(id, i), type: 'function', function: { name: c.name, arguments: '' } };
        events.push(choice(i === 0 ? { role: 'assistant', content: null, tool_calls: [first], refusal: null } : { tool_calls: [first] }, null));
        for (const frag of splitReply(c.arguments, Math.max(1, Math.ceil(c.arguments.length / 8)))) {
          events.push(choice({ tool_calls: [{ index: i, function: { arguments: frag } }] }, null));
        }
        completion += tokens(c.arguments) + 5;
      });
      events.push(choice({}, 'tool_calls'));
    } else {
      const text = m.kind === 'ok' && m.reply !== undefined ? splitReply(m.reply, opts.chunks) : pieces;
      events.push(choice({ role: 'assistant', content: '', refusal: null }, null));
      for (const p of text) events.push(choice({ content: p }, null));
      events.push(choice({}, m.kind === 'ok' && m.finishReason ? m.finishReason : 'stop'));
      completion = text.length;
    }
    if (includeUsage) events.push(`data: ${base}[],"usage":${JSON.stringify(usage(b, completion))}}\n\n`);
    events.push('data: [DONE]\n\n');

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_${id}` });
    const after = 'afterChunks' in m && m.afterChunks !== undefined ? m.afterChunks : 1;
    const stopAt = m.kind === 'hang' || m.kind === 'malformed' || m.kind === 'close_mid_stream' ? Math.min(after, events.length) : m.kind === 'end_without_done' ? events.length - 1 : events.length;
    const finish = (): void => {
      if (m.kind === 'hang') return;
      if (m.kind === 'malformed') {
        res.write('data: {"id":"chatcmpl-broken","choices":[{"index":0,"delta":{"content":"oops\n\n');
        res.end('data: [DONE]\n\n');
      } else if (m.kind === 'close_mid_stream') dropConnection(res);
      else res.end();
    };
    playEvents(res, events, stopAt, opts.chunkDelayMs, finish);
  }

  function embeddings(res: ServerResponse, b: Record<string, unknown>): void {
    const inputs = Array.isArray(b.input) && typeof b.input[0] !== 'number' ? (b.input as unknown[]) : [b.input];
    const dims = typeof b.dimensions === 'number' ? b.dimensions : opts.dimensions ?? 8;
    const base64 = b.encoding_format === 'base64';
    let total = 0;
    const data = inputs.map((input, index) => {
      const text = typeof input === 'string' ? input : JSON.stringify(input);
      total += tokens(text);
      const vec = vector(text, dims);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec };
    });
    sendJson(res, 200, { object: 'list', data, model: b.model, usage: { prompt_tokens: total, total_tokens: total } });
  }

  return upstream;
}

function sendError(res: ServerResponse, status: number, errorOrBody: unknown, headers: Record<string, string> = {}): void {
  const body = errorOrBody && typeof errorOrBody === 'object' && 'error' in errorOrBody ? errorOrBody : { error: errorOrBody };
  sendJson(res, status, body, headers);
}

function defaultErrorBody(status: number, model: unknown): object {
  if (status === 404) {
    return { error: { message: `The model \`${String(model)}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } };
  }
  if (status === 401) return { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
  if (status >= 500) return { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } };
  return { error: { message: `Invalid request (fake status ${status}).`, type: 'invalid_request_error', param: 'messages', code: null } };
}

function callId(req: number, i: number): string {
  return `call_fake${req}_${i}`;
}

function promptTokens(b: Record<string, unknown>): number {
  let n = 0;
  for (const m of (b.messages as { content?: unknown }[] | undefined) ?? []) n += 4 + tokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''));
  return n;
}

/** A deterministic unit-ish vector for a text. */
function vector(text: string, dims: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const out: number[] = [];
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
    out.push(Math.fround(((h % 2000) - 1000) / 1000));
  }
  return out;
}
