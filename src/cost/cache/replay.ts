/**
 * Streams and complete answers are one thing to the cache: a streamed answer is assembled into the
 * canonical ChatResult before it is stored, and any stored answer can be replayed as a stream whose
 * text and tool calls equal the original's.
 */
import type { ChatChunk, ChatResult, FinishReason, ToolCall, Usage } from '../../providers/types.js';

/**
 * Assembles streamed chunks into a complete result (text concatenated, tool calls merged by index,
 * last finish reason, last usage). Returns null when the stream did not finish.
 *
 * @example
 * ```ts
 * const result = assembleChunks(chunks); // the ChatResult the stream amounts to
 * ```
 */
export function assembleChunks(chunks: readonly ChatChunk[]): ChatResult | null {
  let text = '';
  let hasText = false;
  let finish: FinishReason | null = null;
  let usage: Usage | null = null;
  const calls: ToolCall[] = [];
  const first = chunks[0];
  if (!first) return null;
  for (const c of chunks) {
    if (c.usage) usage = c.usage;
    const ch = c.choices[0];
    if (!ch) continue;
    if (typeof ch.delta.content === 'string') {
      text += ch.delta.content;
      hasText = true;
    }
    for (const d of ch.delta.tool_calls ?? []) {
      const t = (calls[d.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (d.id) t.id = d.id;
      if (d.function?.name) t.function.name += d.function.name;
      if (d.function?.arguments) t.function.arguments += d.function.arguments;
    }
    if (ch.finish_reason) finish = ch.finish_reason;
  }
  if (!finish) return null;
  const message: ChatResult['choices'][number]['message'] = { role: 'assistant', content: hasText || !calls.length ? text : null };
  const toolCalls = calls.filter(Boolean);
  if (toolCalls.length) message.tool_calls = toolCalls;
  return {
    id: first.id,
    created: first.created,
    model: first.model,
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

/** Splits text into stream-sized pieces (a word and its following space each). */
function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * Replays a complete result as stream chunks: a role chunk, the text in word-sized deltas, each
 * tool call (name, then arguments), a finish chunk, and a usage chunk when `usage` is set.
 *
 * @example
 * ```ts
 * for (const chunk of replayAsChunks(hit.result, { usage: true })) yield chunk;
 * ```
 */
export function replayAsChunks(result: ChatResult, opts: { usage: boolean; model?: string } = { usage: false }): ChatChunk[] {
  const base = { id: result.id, created: result.created, model: opts.model ?? result.model };
  const choice = result.choices[0];
  const out: ChatChunk[] = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
  if (choice?.message.content) for (const p of pieces(choice.message.content)) out.push({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] });
  choice?.message.tool_calls?.forEach((t, index) => {
    out.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.function.name, arguments: '' } }] }, finish_reason: null }] });
    if (t.function.arguments) out.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: t.function.arguments } }] }, finish_reason: null }] });
  });
  out.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? 'stop' }] });
  if (opts.usage) out.push({ ...base, choices: [], usage: result.usage });
  return out;
}
