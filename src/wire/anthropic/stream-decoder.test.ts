import { describe, expect, it } from 'vitest';
import { InvalidRequestError, RateLimitError, UpstreamError } from '../../errors.js';
import type { ChatChunk } from '../../providers/types.js';
import { AnthropicStreamDecoder } from './stream-decoder.js';

const ev = (data: object) => ({ event: (data as { type: string }).type, data: JSON.stringify(data) });
const start = ev({
  type: 'message_start',
  message: { id: 'msg_9', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 7, output_tokens: 1, cache_read_input_tokens: 3 } },
});

describe('AnthropicStreamDecoder', () => {
  it('decodes a thinking + text stream, skipping thinking, with usage on message_stop', () => {
    const dec = new AnthropicStreamDecoder('p', () => 5000);
    const out: ChatChunk[] = [];
    for (const e of [
      start,
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      ev({ type: 'ping' }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Yes.' } }),
      ev({ type: 'content_block_stop', index: 1 }),
      ev({ type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: '##' }, usage: { output_tokens: 9 } }),
    ]) out.push(...dec.push(e));
    expect(dec.done).toBe(false);
    out.push(...dec.push(ev({ type: 'message_stop' })));
    expect(dec.done).toBe(true);
    expect(out).toEqual([
      { id: 'msg_9', created: 5, model: 'claude-x', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { id: 'msg_9', created: 5, model: 'claude-x', choices: [{ index: 0, delta: { content: 'Yes.' }, finish_reason: null }] },
      { id: 'msg_9', created: 5, model: 'claude-x', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      { id: 'msg_9', created: 5, model: 'claude-x', choices: [], usage: { prompt_tokens: 10, completion_tokens: 9, total_tokens: 19, cached_tokens: 3 } },
    ]);
  });

  it('numbers tool calls in order even when text blocks sit between them', () => {
    const dec = new AnthropicStreamDecoder();
    dec.push(start);
    const a = dec.push(ev({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} } }));
    const frag = dec.push(ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } }));
    const empty = dec.push(ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }));
    const b = dec.push(ev({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'g', input: { ready: true } } }));
    expect(a[0]!.choices[0]!.delta.tool_calls).toEqual([{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '' } }]);
    expect(frag[0]!.choices[0]!.delta.tool_calls).toEqual([{ index: 0, function: { arguments: '{"a":1}' } }]);
    expect(empty).toEqual([]);
    expect(b[0]!.choices[0]!.delta.tool_calls).toEqual([{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'g', arguments: '{"ready":true}' } }]);
  });

  it('throws typed errors for error events and malformed JSON', () => {
    const dec = new AnthropicStreamDecoder('claude');
    expect(() => dec.push(ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }))).toThrow(UpstreamError);
    expect(() => dec.push(ev({ type: 'error', error: { type: 'rate_limit_error', message: 'slow' } }))).toThrow(RateLimitError);
    expect(() => dec.push(ev({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }))).toThrow(InvalidRequestError);
    expect(() => dec.push({ event: 'content_block_delta', data: '{"type":' })).toThrow(/malformed stream event/);
  });
});
