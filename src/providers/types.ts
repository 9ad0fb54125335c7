/**
 * The canonical model-call types every provider speaks.
 *
 * daca's internal request/response shape is the OpenAI Chat Completions wire format (a typed
 * subset plus pass-through of unknown fields): it is the most widely spoken format, so an OpenAI
 * client talking to an OpenAI-compatible upstream pays no translation. The Anthropic Messages route
 * and the Anthropic provider translate to and from it (see `gateway/translate/`).
 */

/** A text or image content part of a message. */
export type ContentPart =
  | { type: 'text'; text: string; cache_control?: { type: 'ephemeral' } }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: string; [k: string]: unknown };

/** A tool call returned by a model. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of a conversation (OpenAI shape). */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

/** A function tool the model may call. */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** A chat request after routing: `model` is the provider's upstream model id. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: Record<string, unknown> };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string | string[];
  n?: number;
  seed?: number;
  user?: string;
  /** Any other field the caller sent; forwarded as-is to OpenAI-compatible upstreams. */
  extra?: Record<string, unknown>;
}

/** Token usage of one call. `estimated` is true when daca counted the tokens itself. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Input tokens served from the provider's prompt cache (priced at the cached-input rate). */
  cached_tokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic `cache_creation_input_tokens`). */
  cache_write_tokens?: number;
  estimated?: boolean;
}

/** Why a choice stopped. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** A complete (non-streaming) chat result, OpenAI `chat.completion` shape. */
export interface ChatResult {
  id: string;
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[]; refusal?: null };
    finish_reason: FinishReason;
  }[];
  usage: Usage;
}

/** A streamed delta, OpenAI `chat.completion.chunk` shape. The final chunk may carry `usage`. */
export interface ChatChunk {
  id: string;
  created: number;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      tool_calls?: { index: number; id?: string; type?: 'function'; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason: FinishReason | null;
  }[];
  usage?: Usage | null;
}

/** An embeddings request after routing. */
export interface EmbeddingRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
  user?: string;
}

/** An embeddings result. */
export interface EmbeddingResult {
  model: string;
  data: { index: number; embedding: number[] }[];
  usage: { prompt_tokens: number; total_tokens: number; estimated?: boolean };
}

/** Per-call context handed to a provider. */
export interface CallContext {
  /** Aborted when the client disconnects or the upstream timeout elapses. */
  signal: AbortSignal;
  /** daca request id, forwarded upstream for correlation. */
  requestId: string;
  /** W3C traceparent to forward, when present. */
  traceparent?: string;
}

/** The kinds of provider daca ships. */
export type ProviderKind = 'sim' | 'openai' | 'anthropic';

/**
 * A model provider: one upstream endpoint (or the built-in simulator).
 *
 * Implementations throw `UpstreamError` (with the upstream status in `details.upstream_status`),
 * `UpstreamTimeoutError`, or `RateLimitError` for upstream 429s; they never throw raw errors.
 */
export interface ModelProvider {
  /** The spec's provider name. */
  readonly name: string;
  readonly kind: ProviderKind;
  /** One full chat completion. */
  chat(req: ChatRequest, ctx: CallContext): Promise<ChatResult>;
  /** A streamed chat completion; the last chunk carries `usage` when the upstream gives it. */
  chatStream(req: ChatRequest, ctx: CallContext): AsyncIterable<ChatChunk>;
  /** Embeddings. Providers without an embeddings endpoint throw `InvalidRequestError`. */
  embed(req: EmbeddingRequest, ctx: CallContext): Promise<EmbeddingResult>;
  /** Release sockets and timers. */
  close?(): Promise<void>;
}
