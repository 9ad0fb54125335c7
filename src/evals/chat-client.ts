/**
 * A lean client for an OpenAI-compatible `/chat/completions` endpoint (daca's gateway, or any
 * server speaking the wire format): `node:http(s)` with keep-alive sockets and no SDK, so a run of
 * thousands of trials spends its time in the agent, not the harness.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { UpstreamError, UpstreamTimeoutError } from '../errors.js';
import type { ChatMessage, ToolCall, ToolDefinition } from '../providers/types.js';

/** Where and how to call the model API. */
export interface ChatClientOptions {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:8700/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** Extra headers on every call (e.g. `x-daca-agent`, `x-daca-tags`). */
  headers?: Record<string, string>;
  /** Sockets kept open (default 64). */
  maxSockets?: number;
  /** Per-call timeout in ms (default 120 000). */
  timeoutMs?: number;
}

/** A chat request body (OpenAI shape). */
export interface ChatBody {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  temperature?: number;
  max_tokens?: number;
  seed?: number;
  response_format?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** What one call returned, with its metering. */
export interface ChatCallResult {
  content: string;
  toolCalls: ToolCall[];
  promptTokens: number;
  completionTokens: number;
  /** From daca's `x-daca-cost-usd` header; 0 when the server does not say. */
  costMicros: number;
  latencyMs: number;
  /** The model that answered (`x-daca-model` header, else the body's `model`). */
  model: string;
}

interface WireResult {
  model?: string;
  choices?: { message?: { content?: string | null; tool_calls?: ToolCall[] } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/**
 * Calls `/chat/completions` over pooled keep-alive sockets.
 *
 * @example
 * ```ts
 * const client = new ChatClient({ baseUrl: 'http://127.0.0.1:8700/v1', apiKey: process.env.DACA_API_KEY });
 * const r = await client.chat({ model: 'stable', messages: [{ role: 'user', content: 'hi' }] });
 * client.close();
 * ```
 */
export class ChatClient {
  private readonly url: URL;
  private readonly target: { protocol: string; hostname: string; port: string; path: string };
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(opts: ChatClientOptions) {
    this.url = new URL(opts.baseUrl.replace(/\/+$/, '') + '/chat/completions');
    const https = this.url.protocol === 'https:';
    this.target = { protocol: this.url.protocol, hostname: this.url.hostname.replace(/^\[|\]$/g, ''), port: this.url.port || (https ? '443' : '80'), path: this.url.pathname + this.url.search };
    const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 64 };
    this.agent = https ? new HttpsAgent(agentOpts) : new HttpAgent(agentOpts);
    this.send = https ? httpsRequest : httpRequest;
    this.headers = { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}), ...opts.headers };
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /** One non-streaming chat completion. Throws `UpstreamError` on a non-2xx status or a network failure. */
  chat(body: ChatBody, headers?: Record<string, string>): Promise<ChatCallResult> {
    const payload = JSON.stringify(body);
    const started = performance.now();
    return new Promise<ChatCallResult>((resolve, reject) => {
      const req = this.send(
        { ...this.target, method: 'POST', agent: this.agent, headers: { ...this.headers, ...headers, 'content-length': Buffer.byteLength(payload) }, timeout: this.timeoutMs },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new UpstreamError(`model API response failed: ${e.message}`, { cause: e })));
          res.on('end', () => {
            const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              let msg = text.slice(0, 300);
              try {
                msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? msg;
              } catch {
                /* not JSON */
              }
              reject(new UpstreamError(`model API answered ${status}: ${msg}`, { details: { upstream_status: status } }));
              return;
            }
            let wire: WireResult;
            try {
              wire = JSON.parse(text) as WireResult;
            } catch {
              reject(new UpstreamError(`model API answered invalid JSON: ${text.slice(0, 120)}`));
              return;
            }
            const msg = wire.choices?.[0]?.message;
            const cost = res.headers['x-daca-cost-usd'];
            const model = res.headers['x-daca-model'];
            resolve({
              content: msg?.content ?? '',
              toolCalls: msg?.tool_calls ?? [],
              promptTokens: wire.usage?.prompt_tokens ?? 0,
              completionTokens: wire.usage?.completion_tokens ?? 0,
              costMicros: typeof cost === 'string' ? Math.round(Number(cost) * 1e6) || 0 : 0,
              latencyMs: performance.now() - started,
              model: typeof model === 'string' ? model : wire.model ?? body.model,
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new UpstreamTimeoutError(`model API call timed out after ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(e instanceof UpstreamError ? e : new UpstreamError(`cannot reach the model API at ${this.url.origin}: ${e.message}`, { cause: e })));
      req.end(payload);
    });
  }

  /** Closes idle sockets. */
  close(): void {
    this.agent.destroy();
  }
}
