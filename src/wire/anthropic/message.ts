/**
 * Complete (non-streaming) responses between the Anthropic `message` and canonical `chat.completion`.
 */
import type { ChatResult, ToolCall } from '../../providers/types.js';
import { finishReasonFromAnthropic, stopReasonToAnthropic, usageFromAnthropic, usageToAnthropic } from './stop-reason-usage.js';
import type { AnthropicMessage, AnthropicResponseBlock } from './types.js';

/**
 * Parses tool-call arguments into the object Anthropic requires. Non-object JSON is wrapped as
 * `{ value }`, unparsable text as `{ _raw_arguments }`, so nothing is silently lost.
 */
export function toolInput(args: string): Record<string, unknown> {
  if (!args) return {};
  try {
    const v: unknown = JSON.parse(args);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { _raw_arguments: args };
  }
}

/** An Anthropic-style message id for a canonical result id. */
export function anthropicMessageId(id: string): string {
  if (id.startsWith('msg_')) return id;
  return 'msg_' + (id.startsWith('chatcmpl-') ? id.slice(9) : id);
}

/**
 * Canonical result → Anthropic `message` (first choice), reporting `model` as the caller asked for it.
 *
 * @example
 * ```ts
 * return c.json(chatResultToAnthropicMessage(result, body.model));
 * ```
 */
export function chatResultToAnthropicMessage(result: ChatResult, model: string): AnthropicMessage {
  const choice = result.choices[0];
  const content: AnthropicResponseBlock[] = [];
  if (choice?.message.content) content.push({ type: 'text', text: choice.message.content });
  for (const tc of choice?.message.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: toolInput(tc.function.arguments) });
  }
  return {
    id: anthropicMessageId(result.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReasonToAnthropic(choice?.finish_reason),
    stop_sequence: null,
    usage: usageToAnthropic(result.usage),
  };
}

/**
 * Anthropic `message` → canonical result. Text blocks are concatenated; thinking blocks are dropped.
 *
 * @example
 * ```ts
 * const result = anthropicMessageToChatResult(await res.json());
 * ```
 */
export function anthropicMessageToChatResult(msg: AnthropicMessage, now: () => number = Date.now): ChatResult {
  let text: string | null = null;
  const calls: ToolCall[] = [];
  for (const b of msg.content ?? []) {
    if (b.type === 'text') text = text === null ? b.text : text + b.text;
    else if (b.type === 'tool_use') calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
  }
  const message: ChatResult['choices'][number]['message'] = { role: 'assistant', content: text ?? (calls.length ? null : '') };
  if (calls.length) message.tool_calls = calls;
  return {
    id: msg.id,
    created: Math.floor(now() / 1000),
    model: msg.model,
    choices: [{ index: 0, message, finish_reason: finishReasonFromAnthropic(msg.stop_reason) }],
    usage: usageFromAnthropic(msg.usage),
  };
}
