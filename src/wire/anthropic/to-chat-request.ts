/**
 * Gateway direction: an Anthropic Messages request → the canonical chat request.
 */
import type { ChatMessage, ChatRequest, ContentPart, ToolCall } from '../../providers/types.js';
import type { AnthropicContentBlock, AnthropicDocumentBlock, AnthropicImageBlock, AnthropicMessagesRequest, AnthropicTextBlock, AnthropicToolChoice } from './types.js';

const KNOWN = new Set(['model', 'max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'stop_sequences', 'temperature', 'top_p', 'stream', 'metadata']);

/**
 * Translates a validated Anthropic request. `model` stays the caller's model string. Anthropic-only
 * fields (`top_k`, `thinking`, `service_tier`, …) go to `extra`; `metadata.user_id` becomes `user`;
 * `stream` is dropped (the caller picks `chat` or `chatStream`). Tool results become `tool` messages
 * placed before the rest of their user turn; `is_error` results are prefixed with `Error: `.
 * Thinking blocks are kept as content parts so they can round-trip to Anthropic.
 *
 * @example
 * ```ts
 * const req = anthropicToChatRequest(parseAnthropicMessagesRequest(body));
 * ```
 */
export function anthropicToChatRequest(body: AnthropicMessagesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) {
    if (typeof body.system === 'string') {
      if (body.system) messages.push({ role: 'system', content: body.system });
    } else if (body.system.length) {
      messages.push({ role: 'system', content: textContent(body.system) });
    }
  }
  for (const m of body.messages) {
    if (typeof m.content === 'string') messages.push({ role: m.role, content: m.content });
    else if (m.role === 'user') userTurn(m.content, messages);
    else messages.push(assistantTurn(m.content));
  }

  const req: ChatRequest = { model: body.model, messages, max_tokens: body.max_tokens };
  if (body.tools?.length) {
    req.tools = body.tools.map((t) => ({
      type: 'function',
      function: t.description === undefined ? { name: t.name, parameters: t.input_schema } : { name: t.name, description: t.description, parameters: t.input_schema },
    }));
  }
  let extra: Record<string, unknown> | undefined;
  if (body.tool_choice) {
    req.tool_choice = toolChoice(body.tool_choice);
    if ('disable_parallel_tool_use' in body.tool_choice && body.tool_choice.disable_parallel_tool_use) extra = { parallel_tool_calls: false };
  }
  if (body.stop_sequences?.length) req.stop = body.stop_sequences;
  if (body.temperature !== undefined) req.temperature = body.temperature;
  if (body.top_p !== undefined) req.top_p = body.top_p;
  if (body.metadata?.user_id) req.user = body.metadata.user_id;
  for (const k in body) {
    if (KNOWN.has(k) || body[k] === undefined) continue;
    (extra ??= {})[k] = body[k];
  }
  if (extra) req.extra = extra;
  return req;
}

function toolChoice(c: AnthropicToolChoice): NonNullable<ChatRequest['tool_choice']> {
  switch (c.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: c.name } };
    case 'none':
      return 'none';
    default:
      return 'auto';
  }
}

function textPart(b: AnthropicTextBlock): ContentPart {
  return b.cache_control ? { type: 'text', text: b.text, cache_control: { type: 'ephemeral' } } : { type: 'text', text: b.text };
}

/** A list of text blocks as a string when nothing would be lost, else as text parts. */
function textContent(blocks: AnthropicTextBlock[]): string | ContentPart[] {
  if (blocks.length === 1 && !blocks[0]!.cache_control) return blocks[0]!.text;
  return blocks.map(textPart);
}

function imagePart(b: AnthropicImageBlock): ContentPart {
  const url = b.source.type === 'base64' ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url;
  return { type: 'image_url', image_url: { url } };
}

function documentPart(b: AnthropicDocumentBlock): ContentPart {
  const s = b.source;
  if (s.type === 'text' && typeof s.data === 'string') return { type: 'text', text: b.title ? `${b.title}\n\n${s.data}` : s.data };
  if (s.type === 'base64' && typeof s.data === 'string') {
    return { type: 'file', file: { filename: b.title ?? 'document.pdf', file_data: `data:${String(s.media_type)};base64,${s.data}` } };
  }
  return { ...b }; // url/content documents pass through for Anthropic upstreams
}

function userTurn(blocks: AnthropicContentBlock[], out: ChatMessage[]): void {
  const parts: ContentPart[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'text':
        parts.push(textPart(b));
        break;
      case 'image':
        parts.push(imagePart(b));
        break;
      case 'document':
        parts.push(documentPart(b));
        break;
      case 'tool_result': {
        let text = '';
        if (typeof b.content === 'string') text = b.content;
        else if (b.content) {
          for (const c of b.content) {
            if (c.type === 'text') text += (text ? '\n' : '') + c.text;
            else parts.push(c.type === 'image' ? imagePart(c) : documentPart(c));
          }
        }
        out.push({ role: 'tool', tool_call_id: b.tool_use_id, content: b.is_error ? `Error: ${text}` : text });
        break;
      }
      default:
        break; // tool_use / thinking blocks cannot appear in a user turn
    }
  }
  if (!parts.length) return;
  const simple = parts.length === 1 && parts[0]!.type === 'text' && !('cache_control' in parts[0]!);
  out.push({ role: 'user', content: simple ? (parts[0] as { text: string }).text : parts });
}

function assistantTurn(blocks: AnthropicContentBlock[]): ChatMessage {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  let rich = false;
  let text = '';
  for (const b of blocks) {
    if (b.type === 'text') {
      parts.push(textPart(b));
      text += b.text;
      if (b.cache_control) rich = true;
    } else if (b.type === 'tool_use') {
      calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) } });
    } else if (b.type === 'thinking' || b.type === 'redacted_thinking') {
      parts.push({ ...b });
      rich = true;
    }
  }
  const msg: ChatMessage = { role: 'assistant', content: rich ? parts : parts.length ? text : calls.length ? null : '' };
  if (calls.length) msg.tool_calls = calls;
  return msg;
}
