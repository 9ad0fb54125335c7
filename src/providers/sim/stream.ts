/**
 * Turns a planned sim reply into OpenAI `chat.completion.chunk` objects, paced by TTFT and
 * tokens/second: a first chunk with the role (and, for tool calls, the call's id and name), one
 * chunk per token group (a pre-tokenisation piece, ≈ one word), a chunk with the finish reason,
 * then a usage chunk with `choices: []`.
 */
import { segmentText } from '../../metering/tokenizer.js';
import type { ChatChunk, Usage } from '../types.js';
import { malformedError } from './failures.js';
import type { Pacer } from './pacing.js';
import { checkAborted, isPaced, tokenOffsetMs, waitUntil } from './pacing.js';
import type { PlannedReply } from './respond.js';

/** Identity fields shared by every chunk of one response. */
export interface ChunkMeta {
  id: string;
  created: number;
  model: string;
}

/**
 * Streams `plan`. When `malformed` is set, the stream breaks half-way through with an
 * `UpstreamError`. With TTFT and speed both 0, no clock is read and no timer is set.
 */
export async function* streamReply(plan: PlannedReply, usage: Usage, meta: ChunkMeta, pacer: Pacer, malformed: boolean): AsyncGenerator<ChatChunk> {
  const paced = isPaced(pacer);
  const call = plan.toolCalls?.[0];
  const body = call ? call.function.arguments : (plan.content ?? '');
  const pieces = segmentText(body, meta.model);
  const breakAt = malformed ? Math.floor(pieces.length / 2) : -1;

  if (paced) await waitUntil(pacer, pacer.ttftMs);
  checkAborted(pacer);
  yield {
    ...meta,
    choices: [
      {
        index: 0,
        delta: call
          ? { role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }
          : { role: 'assistant', content: '' },
        finish_reason: null,
      },
    ],
  };

  let before = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (i === breakAt) throw malformedError(pacer.provider);
    const piece = pieces[i]!;
    if (paced && i > 0) await waitUntil(pacer, pacer.ttftMs + tokenOffsetMs(pacer, before));
    checkAborted(pacer);
    yield {
      ...meta,
      choices: [{ index: 0, delta: call ? { tool_calls: [{ index: 0, function: { arguments: piece.text } }] } : { content: piece.text }, finish_reason: null }],
    };
    before += piece.tokens;
  }
  if (malformed) throw malformedError(pacer.provider);

  if (paced) await waitUntil(pacer, pacer.ttftMs + tokenOffsetMs(pacer, before));
  checkAborted(pacer);
  yield { ...meta, choices: [{ index: 0, delta: {}, finish_reason: plan.finishReason }] };
  yield { ...meta, choices: [], usage };
}
