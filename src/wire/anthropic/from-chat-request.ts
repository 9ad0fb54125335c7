/**
 * Provider direction: a canonical chat request → an Anthropic Messages request.
 */
import { InvalidRequestError } from '../../errors.js';
import type { ChatMessage, ChatRequest, ContentPart } from '../../providers/types.js';
import { toolInput } from './message.js';
import type { AnthropicContentBlock, AnthropicMessageParam, AnthropicMessagesRequest, AnthropicTextBlock, AnthropicToolChoice } from './types.js';

/** Fields of `extra` that mean something to Anthropic and are forwarded; other extras are OpenAI-only. */
const FORWARDED_EXTRA = ['top_k', 'thinking'] as const;

/**
 * Translates a canonical request for an Anthropic upstream: system/developer messages become
 * `system`, tool messages become user `tool_result` blocks, assistant `tool_calls` become `tool_use`
 * blocks, consecutive same-role turns are merged, `response_format` JSON becomes an instruction,
 * `temperature` is clamped to Anthropic's [0, 1], and `max_tokens` defaults to `defaults.maxTokens`.
 *
 * @example
 * ```ts
 * const body = chatRequestToAnthropic(req, { maxTokens: 4096 });
 * ```
 */
export function chatRequestToAnthropic(req: ChatRequest, defaults: { maxTokens: number }): AnthropicMessagesRequest {
  if (req.n !== undefined && req.n > 1) throw new InvalidRequestError('Anthropic models return one choice; set n to 1', { param: 'n' });
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessageParam[] = [];
  for (const m of req.messages) {
    if (m.role === 'system' || m.role === 'developer') {
      for (const b of toBlocks(m.content)) if (b.type === 'text') system.push(b);
      continue;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const content = m.role === 'tool' ? [toolResult(m)] : m.role === 'assistant' ? assistantBlocks(m) : userContent(m.content);
    const prev = messages[messages.length - 1];
    if (prev && prev.role === role) prev.content = merge(prev.content, content);
    else messages.push({ role, content });
  }

  const instruction = jsonInstruction(req.response_format);
  if (instruction) system.push({ type: 'text', text: instruction });

  const extra = req.extra;
  const out: AnthropicMessagesRequest = {
    model: req.model,
    max_tokens: req.max_tokens ?? numberOr(extra?.max_completion_tokens, defaults.maxTokens),
    messages,
  };
  if (system.length) out.system = system.some((b) => b.cache_control) ? system : system.map((b) => b.text).join('\n\n');
  if (req.tools?.length) {
    out.tools = req.tools.map((t) => {
      const tool: { name: string; description?: string; input_schema: Record<string, unknown> } = {
        name: t.function.name,
        input_schema: t.function.parameters ?? { type: 'object', properties: {} },
      };
      if (t.function.description !== undefined) tool.description = t.function.description;
      return tool;
    });
  }
  const choice = toolChoice(req.tool_choice, extra?.parallel_tool_calls === false && !!req.tools?.length);
  if (choice) out.tool_choice = choice;
  if (req.stop !== undefined) out.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.temperature !== undefined) out.temperature = Math.min(1, Math.max(0, req.temperature));
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.user) out.metadata = { user_id: req.user };
  if (extra) {
    for (const k of FORWARDED_EXTRA) if (extra[k] !== undefined) (out as Record<string, unknown>)[k] = extra[k];
    const md = extra.metadata;
    if (md && typeof md === 'object' && 'user_id' in md && !out.metadata) out.metadata = { user_id: String((md as { user_id: unknown }).user_id) };
  }
  return out;
}

function numberOr(v: unknown, d: number): number {
  return typeof v === 'number' && v > 0 ? v : d;
}

function toolChoice(c: ChatRequest['tool_choice'], noParallel: boolean): AnthropicToolChoice | undefined {
  let out: Exclude<AnthropicToolChoice, { type: 'none' }> | undefined;
  if (c === 'none') return { type: 'none' };
  if (c === 'required') out = { type: 'any' };
  else if (c && typeof c === 'object') out = { type: 'tool', name: c.function.name };
  else if (c === 'auto' || noParallel) out = { type: 'auto' };
  return out && noParallel ? { ...out, disable_parallel_tool_use: true } : out;
}

function jsonInstruction(f: ChatRequest['response_format']): string | undefined {
  if (!f || f.type === 'text') return undefined;
  if (f.type === 'json_schema' && f.json_schema) {
    const schema = (f.json_schema as { schema?: unknown }).schema ?? f.json_schema;
    return `Respond only with a single JSON object that conforms to this JSON Schema, with no other text:\n${JSON.stringify(schema)}`;
  }
  return 'Respond only with a single valid JSON object, with no other text.';
}

function merge(a: string | AnthropicContentBlock[], b: string | AnthropicContentBlock[]): AnthropicContentBlock[] {
  const blocks = [...toBlockList(a), ...toBlockList(b)];
  // Anthropic wants tool_result blocks first in a user turn.
  const results = blocks.filter((x) => x.type === 'tool_result');
  return results.length && results.length < blocks.length ? [...results, ...blocks.filter((x) => x.type !== 'tool_result')] : blocks;
}

function toBlockList(c: string | AnthropicContentBlock[]): AnthropicContentBlock[] {
  return typeof c === 'string' ? (c ? [{ type: 'text', text: c }] : []) : c;
}

function userContent(c: ChatMessage['content']): string | AnthropicContentBlock[] {
  return typeof c === 'string' ? c : toBlocks(c);
}

function toolResult(m: ChatMessage): AnthropicContentBlock {
  const content = typeof m.content === 'string' || m.content === null ? (m.content ?? '') : toBlocks(m.content);
  return { type: 'tool_result', tool_use_id: m.tool_call_id ?? '', content: content as string };
}

function assistantBlocks(m: ChatMessage): AnthropicContentBlock[] {
  const blocks = toBlocks(m.content);
  for (const tc of m.tool_calls ?? []) blocks.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: toolInput(tc.function.arguments) });
  return blocks;
}

/** Canonical content → Anthropic blocks (empty text dropped: Anthropic rejects empty text blocks). */
function toBlocks(c: ChatMessage['content']): AnthropicContentBlock[] {
  if (c === null || c === '') return [];
  if (typeof c === 'string') return [{ type: 'text', text: c }];
  const out: AnthropicContentBlock[] = [];
  for (const p of c) {
    const b = partToBlock(p);
    if (b) out.push(b);
  }
  return out;
}

function partToBlock(p: ContentPart): AnthropicContentBlock | undefined {
  switch (p.type) {
    case 'text': {
      const t = p as { text: string; cache_control?: { type: 'ephemeral' } };
      if (!t.text) return undefined;
      return t.cache_control ? { type: 'text', text: t.text, cache_control: { type: 'ephemeral' } } : { type: 'text', text: t.text };
    }
    case 'image_url': {
      const url = (p as { image_url: { url: string } }).image_url.url;
      const m = /^data:([^;,]+);base64,/.exec(url);
      return m
        ? { type: 'image', source: { type: 'base64', media_type: m[1]!, data: url.slice(m[0].length) } }
        : { type: 'image', source: { type: 'url', url } };
    }
    case 'file': {
      const f = (p as { file?: { file_data?: string; filename?: string } }).file;
      const m = f?.file_data ? /^data:([^;,]+);base64,/.exec(f.file_data) : null;
      if (!f?.file_data || !m) return undefined;
      const doc: AnthropicContentBlock = { type: 'document', source: { type: 'base64', media_type: m[1]!, data: f.file_data.slice(m[0].length) } };
      if (f.filename) doc.title = f.filename;
      return doc;
    }
    default:
      return { ...p } as AnthropicContentBlock; // document, thinking, redacted_thinking, … pass through
  }
}
