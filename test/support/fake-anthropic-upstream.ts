/**
 * A local fake of the Anthropic Messages API (`POST /v1/messages`, plain and streaming, tool use,
 * prompt-cache usage, error bodies) on 127.0.0.1 with an ephemeral port. Shapes and the event
 * order are copied from the real API so the official `@anthropic-ai/sdk` parses them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dropConnection, fakeTokens as tokens, playEvents, sendJson, splitText, startFakeUpstreamBase, type FakeUpstream } from './fake-upstream-base.js';

/** How the fake answers a request. */
export type FakeAnthropicMode =
  | { kind: 'ok'; reply?: string; stopReason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'refusal' }
  | { kind: 'tool_use'; calls: { name: string; input: Record<string, unknown> }[]; text?: string }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rate_limit'; retryAfter?: number }
  /** Never answers (a stream first sends `afterEvents` events); records the disconnect. */
  | { kind: 'hang'; afterEvents?: number }
  /** Streams `afterEvents` events, then one with invalid JSON (a plain call gets truncated JSON). */
  | { kind: 'malformed'; afterEvents?: number }
  /** Streams `afterEvents` events, then destroys the socket. */
  | { kind: 'close_mid_stream'; afterEvents?: number }
  /** Streams everything except `message_stop`, then ends the body. */
  | { kind: 'end_without_stop' }
  /** Streams `afterEvents` events, then an `event: error` (default `overloaded_error`). */
  | { kind: 'stream_error'; afterEvents?: number; errorType?: string; message?: string };

/** Options of the fake Anthropic upstream. */
export interface FakeAnthropicOptions {
  reply?: string;
  /** Number of text deltas a stream splits the reply into (default: one per word). */
  chunks?: number;
  ttftMs?: number;
  chunkDelayMs?: number;
  mode?: FakeAnthropicMode;
  record?: boolean;
  /** When set, requests must carry this `x-api-key`. */
  apiKey?: string;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
}

/** A request the fake received. */
export type { RecordedRequest as RecordedAnthropicRequest } from './fake-upstream-base.js';

/** A running fake Anthropic upstream. SDKs use `url` as base URL. */
export type FakeAnthropicUpstream = FakeUpstream<FakeAnthropicMode>;

const DEFAULT_REPLY = 'Hello! This is the fake Anthropic upstream.';
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/**
 * Starts the fake on 127.0.0.1:0.
 *
 * @example
 * ```ts
 * const up = await startFakeAnthropicUpstream();
 * const client = new Anthropic({ baseURL: up.url, apiKey: 'x' });
 * ```
 */
export async function startFakeAnthropicUpstream(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropicUpstream> {
  const upstream = await startFakeUpstreamBase<FakeAnthropicMode>({
    mode: opts.mode ?? { kind: 'ok' },
    record: opts.record,
    ttftMs: opts.ttftMs,
    handle: ({ req, res, path, body, bad, mode, id }) => route(req, res, path, body, bad, mode, id),
  });

  function route(req: IncomingMessage, res: ServerResponse, path: string, body: unknown, bad: boolean, m: FakeAnthropicMode, id: number): void {
    if (req.method !== 'POST' || path !== '/v1/messages') return sendError(res, 404, 'not_found_error', 'Not Found', id);
    if (opts.apiKey !== undefined && req.headers['x-api-key'] !== opts.apiKey) {
      return sendError(res, 401, 'authentication_error', req.headers['x-api-key'] ? 'invalid x-api-key' : 'x-api-key header is required', id);
    }
    if (!req.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required', id);
    if (bad) return sendError(res, 400, 'invalid_request_error', 'There was an issue with the format of your JSON request body.', id);
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.model !== 'string') return sendError(res, 400, 'invalid_request_error', 'model: Field required', id);
    if (typeof b.max_tokens !== 'number') return sendError(res, 400, 'invalid_request_error', 'max_tokens: Field required', id);
    if (m.kind === 'error') {
      if (m.body !== undefined) return sendJson(res, m.status, m.body, { 'request-id': `req_fake${id}`, ...m.headers });
      const type = ERROR_TYPES[m.status] ?? 'api_error';
      return sendError(res, m.status, type, m.status === 404 ? `model: ${b.model}` : m.status === 529 ? 'Overloaded' : `fake ${type}`, id, m.headers);
    }
    if (m.kind === 'rate_limit') {
      return sendError(res, 429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', id, { 'retry-after': String(m.retryAfter ?? 1) });
    }
    if (b.stream === true) return stream(res, b, m, id);
    if (m.kind === 'hang') return;
    const msg = message(b, m, id);
    if (m.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_fake${id}` });
      res.end(JSON.stringify(msg).slice(0, 40));
      return;
    }
    sendJson(res, 200, msg, { 'request-id': `req_fake${id}` });
  }

  function usage(b: Record<string, unknown>, output: number): Record<string, number> {
    return {
      input_tokens: inputTokens(b),
      cache_creation_input_tokens: opts.cacheCreationTokens ?? 0,
      cache_read_input_tokens: opts.cacheReadTokens ?? 0,
      output_tokens: output,
    };
  }

  function replyText(m: FakeAnthropicMode): string {
    return m.kind === 'ok' && m.reply !== undefined ? m.reply : m.kind === 'tool_use' ? (m.text ?? '') : (opts.reply ?? DEFAULT_REPLY);
  }

  function message(b: Record<string, unknown>, m: FakeAnthropicMode, id: number): object {
    const text = replyText(m);
    const content: object[] = text ? [{ type: 'text', text }] : [];
    let output = tokens(text);
    if (m.kind === 'tool_use') {
      m.calls.forEach((c, i) => {
        content.push({ type: 'tool_use', id: toolId(id, i), name: c.name, input: c.input });
        output += tokens(JSON.stringify(c.input)) + 5;
      });
    }
    return {
      id: `msg_fake${id}`,
      type: 'message',
      role: 'assistant',
      model: b.model,
      content,
      stop_reason: m.kind === 'tool_use' ? 'tool_use' : m.kind === 'ok' && m.stopReason ? m.stopReason : 'end_turn',
      stop_sequence: m.kind === 'ok' && m.stopReason === 'stop_sequence' ? (((b.stop_sequences as string[] | undefined) ?? [])[0] ?? null) : null,
      usage: { ...usage(b, output), service_tier: 'standard' },
    };
  }

  function stream(res: ServerResponse, b: Record<string, unknown>, m: FakeAnthropicMode, id: number): void {
    const events: string[] = [];
    const ev = (type: string, data: object): void => {
      events.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    };
    const msg = message(b, m, id) as { content: { type: string; text?: string; id?: string; name?: string; input?: object }[]; stop_reason: string; stop_sequence: string | null; usage: Record<string, number> };
    ev('message_start', {
      message: { id: `msg_fake${id}`, type: 'message', role: 'assistant', model: b.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage(b, 1), service_tier: 'standard' } },
    });
    msg.content.forEach((block, index) => {
      if (block.type === 'text') {
        ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
        if (index === 0) ev('ping', {});
        for (const p of splitText(block.text!, opts.chunks)) ev('content_block_delta', { index, delta: { type: 'text_delta', text: p } });
      } else {
        ev('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        if (index === 0) ev('ping', {});
        const json = JSON.stringify(block.input);
        ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
        for (const p of splitText(json, Math.max(1, Math.ceil(json.length / 8)))) ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } });
      }
      ev('content_block_stop', { index });
    });
    if (!msg.content.length) ev('ping', {});
    const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens } = msg.usage;
    ev('message_delta', {
      delta: { stop_reason: msg.stop_reason, stop_sequence: msg.stop_sequence },
      usage: { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens },
    });
    ev('message_stop', {});

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_fake${id}` });
    const after = 'afterEvents' in m && m.afterEvents !== undefined ? m.afterEvents : 3;
    const partial = m.kind === 'hang' || m.kind === 'malformed' || m.kind === 'close_mid_stream' || m.kind === 'stream_error';
    const stopAt = partial ? Math.min(after, events.length) : m.kind === 'end_without_stop' ? events.length - 1 : events.length;
    const finish = (): void => {
      if (m.kind === 'hang') return;
      if (m.kind === 'malformed') res.end('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_d\n\n');
      else if (m.kind === 'stream_error') {
        const error = { type: m.errorType ?? 'overloaded_error', message: m.message ?? 'Overloaded' };
        res.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error })}\n\n`);
      } else if (m.kind === 'close_mid_stream') dropConnection(res);
      else res.end();
    };
    playEvents(res, events, stopAt, opts.chunkDelayMs, finish);
  }

  return upstream;
}

function sendError(res: ServerResponse, status: number, type: string, message: string, id: number, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: 'error', error: { type, message }, request_id: `req_fake${id}` }, { 'request-id': `req_fake${id}`, ...headers });
}

function toolId(req: number, i: number): string {
  return `toolu_fake${req}_${i}`;
}

function inputTokens(b: Record<string, unknown>): number {
  let n = tokens(typeof b.system === 'string' ? b.system : b.system ? JSON.stringify(b.system) : '');
  for (const m of (b.messages as { content?: unknown }[] | undefined) ?? []) n += 3 + tokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''));
  return n;
}

