/**
 * Stop reasons and token usage between Anthropic and the canonical (OpenAI) shape.
 *
 * Anthropic's `input_tokens` excludes prompt-cache reads and writes; OpenAI's `prompt_tokens`
 * includes cached tokens. Canonical `prompt_tokens` therefore = input + cache read + cache write,
 * with `cached_tokens` = cache read and `cache_write_tokens` = cache creation.
 */
import type { FinishReason, Usage } from '../../providers/types.js';
import type { AnthropicStopReason, AnthropicUsage } from './types.js';

/**
 * Anthropic `stop_reason` → canonical `finish_reason`.
 *
 * @example
 * ```ts
 * finishReasonFromAnthropic('tool_use'); // 'tool_calls'
 * ```
 */
export function finishReasonFromAnthropic(r: string | null | undefined): FinishReason {
  switch (r) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop'; // end_turn, stop_sequence, pause_turn
  }
}

/**
 * Canonical `finish_reason` → Anthropic `stop_reason`. `stopSequence` is set when the caller knows
 * a stop sequence matched (OpenAI does not say), turning `stop` into `stop_sequence`.
 *
 * @example
 * ```ts
 * stopReasonToAnthropic('length'); // 'max_tokens'
 * ```
 */
export function stopReasonToAnthropic(r: FinishReason | null | undefined, stopSequence?: string | null): AnthropicStopReason {
  switch (r) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return stopSequence ? 'stop_sequence' : 'end_turn';
  }
}

/**
 * Anthropic usage → canonical usage.
 *
 * @example
 * ```ts
 * usageFromAnthropic({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90 });
 * // { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, cached_tokens: 90 }
 * ```
 */
export function usageFromAnthropic(u: Partial<AnthropicUsage> | null | undefined): Usage {
  const read = u?.cache_read_input_tokens ?? 0;
  const write = u?.cache_creation_input_tokens ?? 0;
  const prompt = (u?.input_tokens ?? 0) + read + write;
  const completion = u?.output_tokens ?? 0;
  const out: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (read) out.cached_tokens = read;
  if (write) out.cache_write_tokens = write;
  return out;
}

/**
 * Canonical usage → Anthropic usage (cache fields always present, as Anthropic sends them).
 *
 * @example
 * ```ts
 * usageToAnthropic({ prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, cached_tokens: 90 });
 * // { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 90 }
 * ```
 */
export function usageToAnthropic(u: Usage): Required<{ [K in keyof AnthropicUsage]: number }> {
  const read = u.cached_tokens ?? 0;
  const write = u.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, u.prompt_tokens - read - write),
    output_tokens: u.completion_tokens,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
  };
}
