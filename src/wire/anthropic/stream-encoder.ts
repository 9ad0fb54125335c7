/**
 * Gateway direction, streaming: canonical chunks → the Anthropic SSE event sequence.
 */
import type { ChatChunk, FinishReason, Usage } from '../../providers/types.js';
import { anthropicMessageId } from './message.js';
import { stopReasonToAnthropic, usageToAnthropic } from './stop-reason-usage.js';
import type { AnthropicEvent } from './types.js';

/**
 * Turns canonical `chat.completion.chunk`s into the events Anthropic sends, in Anthropic's order:
 * `message_start`, then per block `content_block_start` (the first one followed by `ping`),
 * `content_block_delta` (`text_delta` / `input_json_delta`), `content_block_stop`; finally
 * `message_delta` (stop reason, usage) and `message_stop`. Only choice 0 is encoded.
 *
 * @example
 * ```ts
 * const enc = new AnthropicStreamEncoder({ id, model: body.model, inputTokens });
 * for (const ev of enc.start()) write(encodeSSE(JSON.stringify(ev.data), ev.event));
 * for await (const chunk of stream) for (const ev of enc.push(chunk)) write(…);
 * for (const ev of enc.finish()) write(…);
 * ```
 */
export class AnthropicStreamEncoder {
  private readonly opts: { id: string; model: string; inputTokens: number };
  private index = -1;
  private open: 'text' | 'tool' | null = null;
  private toolIndex = -1;
  private pinged = false;
  private sawTool = false;
  private finishReason: FinishReason | null = null;
  private usage: Usage | undefined;

  /** `id` becomes the message id (prefixed `msg_` if needed); `inputTokens` goes in `message_start`. */
  constructor(opts: { id: string; model: string; inputTokens: number }) {
    this.opts = opts;
  }

  /** The `message_start` event. */
  start(): AnthropicEvent[] {
    return [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: anthropicMessageId(this.opts.id),
            type: 'message',
            role: 'assistant',
            model: this.opts.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: this.opts.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
          },
        },
      },
    ];
  }

  /** Events for one canonical chunk (possibly none). Remembers finish reason and usage. */
  push(chunk: ChatChunk): AnthropicEvent[] {
    const out: AnthropicEvent[] = [];
    if (chunk.usage) this.usage = chunk.usage;
    const c = chunk.choices.length === 1 ? chunk.choices[0] : chunk.choices.find((x) => x.index === 0);
    if (!c) return out;
    const d = c.delta;
    if (d.content) {
      if (this.open !== 'text') this.openBlock(out, 'text', { type: 'text', text: '' });
      out.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index: this.index, delta: { type: 'text_delta', text: d.content } } });
    }
    if (d.tool_calls) {
      for (const tc of d.tool_calls) {
        if (this.open !== 'tool' || tc.index !== this.toolIndex) {
          this.openBlock(out, 'tool', { type: 'tool_use', id: tc.id ?? `toolu_${this.opts.id}_${tc.index}`, name: tc.function?.name ?? '', input: {} });
          this.toolIndex = tc.index;
          this.sawTool = true;
        }
        const args = tc.function?.arguments;
        if (args) {
          out.push({
            event: 'content_block_delta',
            data: { type: 'content_block_delta', index: this.index, delta: { type: 'input_json_delta', partial_json: args } },
          });
        }
      }
    }
    if (c.finish_reason) this.finishReason = c.finish_reason;
    return out;
  }

  /** Closes the open block and ends the message. `usage` overrides usage seen on chunks. */
  finish(usage?: Usage): AnthropicEvent[] {
    const out: AnthropicEvent[] = [];
    this.closeBlock(out);
    if (!this.pinged) {
      this.pinged = true;
      out.push({ event: 'ping', data: { type: 'ping' } });
    }
    const u = usage ?? this.usage;
    const reason = this.finishReason ?? (this.sawTool ? 'tool_calls' : 'stop');
    out.push({
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: stopReasonToAnthropic(reason), stop_sequence: null },
        usage: u ? usageToAnthropic(u) : { output_tokens: 0 },
      },
    });
    out.push({ event: 'message_stop', data: { type: 'message_stop' } });
    return out;
  }

  private openBlock(out: AnthropicEvent[], kind: 'text' | 'tool', block: object): void {
    this.closeBlock(out);
    this.index++;
    this.open = kind;
    out.push({ event: 'content_block_start', data: { type: 'content_block_start', index: this.index, content_block: block } });
    if (!this.pinged) {
      this.pinged = true;
      out.push({ event: 'ping', data: { type: 'ping' } });
    }
  }

  private closeBlock(out: AnthropicEvent[]): void {
    if (this.open === null) return;
    out.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index: this.index } });
    this.open = null;
    this.toolIndex = -1;
  }
}
