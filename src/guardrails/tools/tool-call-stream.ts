/**
 * Tool-call governance for streams: assembles tool-call fragments as they stream and holds them
 * back until the calls are complete and checked, so a disallowed call never reaches the client.
 *
 * Chunks are held from the start of the stream until it shows plain content (then released in
 * order) or ends; chunks carrying tool-call fragments are held until the choice finishes, then
 * `check` runs on the assembled calls. If `check` throws, the held chunks are dropped and the
 * error propagates; if it returns chunks (e.g. an approved answer with edited arguments), they
 * replace the held ones; if it returns nothing, the held chunks are released. A tool-call-only stream is therefore decided
 * before its first chunk leaves, so the caller can still answer with a real HTTP status.
 */
import type { ChatChunk, ChatResult, ToolCall } from '../../providers/types.js';

/** What a stream assembled by the time its tool calls finished. */
export interface AssembledToolCalls {
  toolCalls: ToolCall[];
  /** Text content streamed before (and between) the tool calls. */
  content: string;
  /** Ids of the stream (from its chunks), for building a stored result. */
  id: string;
  model: string;
  created: number;
}

/**
 * Wraps `source`; see the module comment.
 *
 * @example
 * ```ts
 * const guarded = holdToolCalls(stream.chunks, ({ toolCalls }) => {
 *   const v = tools.checkResult(agent, toolCalls);
 *   if (v.action === 'block') throw toolBlockedError(v);
 * });
 * ```
 */
export async function* holdToolCalls(
  source: AsyncIterable<ChatChunk>,
  check: (assembled: AssembledToolCalls) => void | ChatChunk[] | Promise<void | ChatChunk[]>,
): AsyncGenerator<ChatChunk> {
  const calls = new Map<number, ToolCall>();
  let held: ChatChunk[] | null = [];
  let sawTools = false;
  let checked = false;
  let content = '';
  let meta = { id: '', model: '', created: 0 };

  const decide = async (): Promise<void> => {
    checked = true;
    const replacement = await check({ toolCalls: [...calls.values()], content, ...meta });
    if (replacement) held = replacement;
  };

  for await (const chunk of source) {
    if (!meta.id) meta = { id: chunk.id, model: chunk.model, created: chunk.created };
    let hasTools = false;
    let hasContent = false;
    let finished = false;
    for (const choice of chunk.choices) {
      const d = choice.delta;
      if (d.content) {
        hasContent = true;
        content += d.content;
      }
      if (d.tool_calls) {
        for (const f of d.tool_calls) {
          hasTools = true;
          const key = choice.index * 1024 + f.index;
          let c = calls.get(key);
          if (!c) {
            c = { id: f.id ?? '', type: 'function', function: { name: '', arguments: '' } };
            calls.set(key, c);
          }
          if (f.id) c.id = f.id;
          if (f.function?.name) c.function.name += f.function.name;
          if (f.function?.arguments) c.function.arguments += f.function.arguments;
        }
      }
      if (choice.finish_reason) finished = true;
    }
    if (hasTools) sawTools = true;

    if (held === null) {
      if (!hasTools || checked) {
        yield chunk;
        continue;
      }
      held = [chunk]; // tool-call fragments begin: hold them until the call is complete
    } else {
      held.push(chunk);
    }
    if (sawTools) {
      if (!finished) continue;
      if (!checked) await decide();
    } else if (!hasContent) {
      continue; // a role-only (or empty) chunk: keep holding until we know what follows
    }
    const out: ChatChunk[] = held ?? [];
    held = null;
    for (const c of out) yield c;
  }
  if (sawTools && !checked) await decide();
  if (held) for (const c of held) yield c;
}

/**
 * The assembled stream as a complete answer (for storing in a tool-call approval).
 *
 * @example
 * ```ts
 * approvals.gate({ ...ctx, toolCalls: a.toolCalls, result: assembledResult(a) }, match);
 * ```
 */
export function assembledResult(a: AssembledToolCalls): ChatResult {
  return {
    id: a.id,
    created: a.created,
    model: a.model,
    choices: [{ index: 0, message: { role: 'assistant', content: a.content || null, tool_calls: a.toolCalls }, finish_reason: 'tool_calls' }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, estimated: true },
  };
}
