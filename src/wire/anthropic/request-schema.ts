/**
 * Validation of incoming Anthropic `POST /v1/messages` bodies, with messages that say what to fix.
 */
import { z } from 'zod';
import { InvalidRequestError } from '../../errors.js';
import type { AnthropicMessagesRequest } from './types.js';

const cacheControl = z
  .object({ type: z.literal('ephemeral', { error: 'cache_control.type must be "ephemeral"' }), ttl: z.enum(['5m', '1h']).optional() })
  .optional();

const text = z.looseObject({
  type: z.literal('text'),
  text: z.string({ error: 'a text block needs a string "text"' }),
  cache_control: cacheControl,
});

const base64Source = z.object({
  type: z.literal('base64'),
  media_type: z.string({ error: 'a base64 source needs "media_type", e.g. "image/png"' }),
  data: z.string({ error: 'a base64 source needs base64 "data"' }),
});
const urlSource = z.object({ type: z.literal('url'), url: z.string({ error: 'a url source needs a string "url"' }) });

const image = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Source, urlSource], {
    error: 'image.source must be {"type":"base64","media_type","data"} or {"type":"url","url"}',
  }),
  cache_control: cacheControl,
});

const document = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({ type: z.string({ error: 'document.source.type must be "base64", "text", "url" or "content"' }) }),
  title: z.string().nullish(),
  context: z.string().nullish(),
  cache_control: cacheControl,
});

const toolUse = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string({ error: 'a tool_use block needs the "id" the model gave it' }),
  name: z.string({ error: 'a tool_use block needs the tool "name"' }),
  input: z.record(z.string(), z.unknown(), { error: 'tool_use.input must be a JSON object' }),
  cache_control: cacheControl,
});

const toolResult = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string({ error: 'a tool_result block needs "tool_use_id" (the id of the tool_use it answers)' }),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion('type', [text, image, document]))], {
      error: 'tool_result.content must be a string or an array of text/image/document blocks',
    })
    .optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinking = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinking = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

const block = z.discriminatedUnion('type', [text, image, document, toolUse, toolResult, thinking, redactedThinking], {
  error: 'unsupported content block: "type" must be one of text, image, document, tool_use, tool_result, thinking, redacted_thinking',
});

const message = z.object({
  role: z.enum(['user', 'assistant'], { error: 'role must be "user" or "assistant" (put system prompts in the top-level "system" field)' }),
  content: z.union([z.string(), z.array(block)], { error: 'content must be a string or an array of content blocks' }),
});

const tool = z.looseObject({
  type: z.literal('custom', { error: 'only client tools are supported: omit "type" or set it to "custom"' }).optional(),
  name: z.string({ error: 'each tool needs a "name"' }).regex(/^[a-zA-Z0-9_-]{1,128}$/, 'tool names use letters, digits, "_" or "-" (1-128 characters)'),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown(), { error: 'each tool needs "input_schema", a JSON Schema object like {"type":"object","properties":{...}}' }),
  cache_control: cacheControl,
});

const toolChoice = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal('tool'), name: z.string({ error: 'tool_choice {"type":"tool"} needs the tool "name"' }), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal('none') }),
  ],
  { error: 'tool_choice must be {"type":"auto"}, {"type":"any"}, {"type":"tool","name":...} or {"type":"none"}' },
);

/** Zod schema for an incoming Anthropic Messages request body. Unknown top-level fields are kept. */
export const AnthropicMessagesRequestSchema = z.looseObject({
  model: z.string({ error: '"model" is required: the model name to call' }).min(1, '"model" must not be empty'),
  max_tokens: z
    .number({ error: '"max_tokens" is required: the maximum number of tokens to generate, a positive integer' })
    .int('"max_tokens" must be an integer')
    .positive('"max_tokens" must be at least 1'),
  messages: z.array(message, { error: '"messages" is required: an array of {"role","content"} turns' }).min(1, '"messages" must contain at least one message'),
  system: z.union([z.string(), z.array(text)], { error: '"system" must be a string or an array of text blocks' }).optional(),
  tools: z.array(tool, { error: '"tools" must be an array' }).optional(),
  tool_choice: toolChoice.optional(),
  stop_sequences: z.array(z.string(), { error: '"stop_sequences" must be an array of strings' }).optional(),
  temperature: z.number().min(0, '"temperature" must be between 0 and 1').max(1, '"temperature" must be between 0 and 1').optional(),
  top_p: z.number().min(0, '"top_p" must be between 0 and 1').max(1, '"top_p" must be between 0 and 1').optional(),
  top_k: z.number().int('"top_k" must be an integer').nonnegative('"top_k" must be >= 0').optional(),
  stream: z.boolean({ error: '"stream" must be true or false' }).optional(),
  metadata: z.looseObject({ user_id: z.string({ error: 'metadata.user_id must be a string' }).nullish() }).optional(),
  thinking: z.looseObject({ type: z.string({ error: 'thinking must be {"type":"enabled","budget_tokens":N} or {"type":"disabled"}' }) }).optional(),
});

/**
 * Validates a parsed JSON body, throwing `InvalidRequestError` whose message lists each problem
 * as `path: what to fix` and whose `param` is the first offending field.
 *
 * @example
 * ```ts
 * const body = parseAnthropicMessagesRequest(await c.req.json());
 * ```
 */
export function parseAnthropicMessagesRequest(body: unknown): AnthropicMessagesRequest {
  const r = AnthropicMessagesRequestSchema.safeParse(body);
  if (r.success) return r.data as AnthropicMessagesRequest;
  const issues = flatten(r.error.issues, []).slice(0, 5);
  const message = issues.map((i) => `${i.path ? i.path + ': ' : ''}${i.message}`).join('; ');
  throw new InvalidRequestError(message, { param: issues[0]?.path || null });
}

interface Problem {
  path: string;
  message: string;
  depth: number;
}

/** Replaces a failed union by the errors of the branch that got furthest, so the message points inside it. */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): Problem[] {
  const out: Problem[] = [];
  for (const i of issues) {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length) {
      let best: Problem[] = [];
      let bestDepth = 0;
      for (const branch of i.errors) {
        const p = flatten(branch, path);
        const d = Math.max(0, ...p.map((x) => x.depth));
        if (d > bestDepth) {
          best = p;
          bestDepth = d;
        }
      }
      if (bestDepth > path.length) {
        out.push(...best);
        continue;
      }
    }
    out.push({ path: path.map(String).join('.'), message: i.message, depth: path.length });
  }
  return out;
}
