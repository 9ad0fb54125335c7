/**
 * Validation of incoming OpenAI-format requests (`/v1/chat/completions`, `/v1/embeddings`).
 * Unknown fields are kept and forwarded to OpenAI-compatible upstreams.
 */
import { z } from 'zod';
import type { ChatRequest, EmbeddingRequest } from '../providers/types.js';
import { requestSchemaError } from './zod-error.js';

const ContentPartSchema = z.looseObject({ type: z.string() });

const MessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPartSchema), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z
    .array(z.looseObject({ id: z.string(), type: z.literal('function'), function: z.object({ name: z.string(), arguments: z.string() }) }))
    .optional(),
  tool_call_id: z.string().optional(),
});

const ToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

/** Schema of an OpenAI chat completions request body. */
export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1, 'model is required'),
  messages: z.array(MessageSchema).min(1, 'messages must contain at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
    .optional(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']), json_schema: z.record(z.string(), z.unknown()).optional() }).optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
  n: z.number().int().min(1).max(16).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** A validated chat completions body. */
export type ChatCompletionBody = z.infer<typeof ChatCompletionRequestSchema>;

const KNOWN = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'response_format', 'temperature', 'top_p',
  'max_tokens', 'max_completion_tokens', 'stop', 'n', 'seed', 'user', 'metadata',
]);

/** Validates a chat completions body; throws `InvalidRequestError` naming the field. */
export function parseChatBody(body: unknown): ChatCompletionBody {
  const r = ChatCompletionRequestSchema.safeParse(body);
  if (!r.success) throw requestSchemaError(r.error, 'chat completion request');
  return r.data;
}

/** Converts a validated body to the canonical request (model still the caller's name). */
export function toChatRequest(b: ChatCompletionBody): ChatRequest {
  const req: ChatRequest = { model: b.model, messages: b.messages as ChatRequest['messages'] };
  if (b.tools) req.tools = b.tools as ChatRequest['tools'];
  if (b.tool_choice !== undefined) req.tool_choice = b.tool_choice as ChatRequest['tool_choice'];
  if (b.response_format) req.response_format = b.response_format as ChatRequest['response_format'];
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.top_p = b.top_p;
  const max = b.max_completion_tokens ?? b.max_tokens;
  if (max != null) req.max_tokens = max;
  if (b.stop != null) req.stop = b.stop;
  if (b.n != null) req.n = b.n;
  if (b.seed != null) req.seed = b.seed;
  if (b.user !== undefined) req.user = b.user;
  let extra: Record<string, unknown> | undefined;
  for (const k in b) {
    if (!KNOWN.has(k)) (extra ??= {})[k] = (b as Record<string, unknown>)[k];
  }
  if (extra) req.extra = extra;
  return req;
}

/** Schema of an OpenAI embeddings request body. */
export const EmbeddingRequestSchema = z.looseObject({
  model: z.string().min(1, 'model is required'),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Validates an embeddings body; throws `InvalidRequestError` naming the field. */
export function parseEmbeddingBody(body: unknown): EmbeddingRequest & { metadata?: Record<string, unknown> } {
  const r = EmbeddingRequestSchema.safeParse(body);
  if (!r.success) throw requestSchemaError(r.error, 'embeddings request');
  return r.data as EmbeddingRequest & { metadata?: Record<string, unknown> };
}
