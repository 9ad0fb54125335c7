/**
 * Provider direction, streaming: Anthropic SSE events → canonical chunks.
 */
import { UpstreamError } from '../../errors.js';
import type { ChatChunk, FinishReason, Usage } from '../../providers/types.js';
import { errorFromUpstreamStream } from '../upstream-error.js';
import { finishReasonFromAnthropic, usageFromAnthropic } from './stop-reason-usage.js';
import type { AnthropicStreamEventData, AnthropicUsage } from './types.js';

/**
 * Decodes Anthropic stream events into `chat.completion.chunk`s: a role chunk on `message_start`,
 * text and tool-call deltas (tool calls numbered in order), a finish-reason chunk on
 * `message_delta`, and a final usage chunk (`choices: []`) on `message_stop`. Thinking deltas are
 * dropped. An `error` event or invalid JSON throws a daca error.
 *
 * @example
 * ```ts
 * const dec = new AnthropicStreamDecoder('anthropic');
 * for await (const ev of parseSSE(res.body)) yield* dec.push(ev);
 * if (!dec.done) throw new UpstreamError('stream ended early');
 * ```
 */
export class AnthropicStreamDecoder {
  private id = '';
  private model = '';
  private created: number;
  private usage: Partial<AnthropicUsage> = {};
  private tools = 0;
  /** Anthropic block index → canonical tool-call index. */
  private readonly toolIndex = new Map<number, number>();
  private finish: FinishReason | null = null;
  private ended = false;

  /** `provider` names the upstream in errors; `now` stamps `created`. */
  constructor(
    private readonly provider = 'anthropic',
    now: () => number = Date.now,
  ) {
    this.created = Math.floor(now() / 1000);
  }

  /** True once `message_stop` was seen. */
  get done(): boolean {
    return this.ended;
  }

  /** Usage so far, in canonical form. */
  get totalUsage(): Usage {
    return usageFromAnthropic(this.usage);
  }

  /** Decodes one SSE event. */
  push(ev: { event?: string; data: string }): ChatChunk[] {
    let d: AnthropicStreamEventData;
    try {
      d = JSON.parse(ev.data) as AnthropicStreamEventData;
    } catch {
      throw new UpstreamError(`Provider "${this.provider}" sent a malformed stream event: ${ev.data.slice(0, 200)}`, { details: { provider: this.provider } });
    }
    switch (d.type) {
      case 'message_start':
        this.id = d.message.id;
        this.model = d.message.model;
        this.usage = { ...d.message.usage };
        return [this.chunk({ role: 'assistant', content: '' }, null)];
      case 'content_block_start': {
        const b = d.content_block;
        if (b.type === 'text') return b.text ? [this.chunk({ content: b.text }, null)] : [];
        if (b.type === 'tool_use') {
          const i = this.tools++;
          this.toolIndex.set(d.index, i);
          const hasInput = b.input && Object.keys(b.input).length > 0;
          return [this.chunk({ tool_calls: [{ index: i, id: b.id, type: 'function', function: { name: b.name, arguments: hasInput ? JSON.stringify(b.input) : '' } }] }, null)];
        }
        return [];
      }
      case 'content_block_delta': {
        const delta = d.delta;
        if (delta.type === 'text_delta') return delta.text ? [this.chunk({ content: delta.text }, null)] : [];
        if (delta.type === 'input_json_delta') {
          const i = this.toolIndex.get(d.index);
          if (i === undefined || !delta.partial_json) return [];
          return [this.chunk({ tool_calls: [{ index: i, function: { arguments: delta.partial_json } }] }, null)];
        }
        return [];
      }
      case 'message_delta': {
        const u = d.usage;
        if (u) for (const k of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) if (typeof u[k] === 'number') this.usage[k] = u[k];
        if (!d.delta?.stop_reason) return [];
        this.finish = finishReasonFromAnthropic(d.delta.stop_reason);
        return [this.chunk({}, this.finish)];
      }
      case 'message_stop': {
        this.ended = true;
        const c: ChatChunk = { id: this.id, created: this.created, model: this.model, choices: [], usage: this.totalUsage };
        return [c];
      }
      case 'error':
        throw errorFromUpstreamStream(this.provider, d.error?.type, d.error?.message ?? 'unknown error');
      default:
        return []; // ping, content_block_stop, future events
    }
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null): ChatChunk {
    return { id: this.id, created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }
}
