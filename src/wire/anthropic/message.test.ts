import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../../providers/types.js';
import { anthropicErrorBody, anthropicErrorType } from './errors.js';
import { anthropicMessageToChatResult, chatResultToAnthropicMessage } from './message.js';
import { finishReasonFromAnthropic, stopReasonToAnthropic, usageFromAnthropic, usageToAnthropic } from './stop-reason-usage.js';
import type { AnthropicMessage } from './types.js';

const result: ChatResult = {
  id: 'chatcmpl-abc',
  created: 1,
  model: 'gpt-4o',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'find', arguments: '{"q":"x"}' } }] },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, cached_tokens: 80, cache_write_tokens: 10 },
};

describe('complete messages', () => {
  it('chatResultToAnthropicMessage builds an Anthropic message with the caller model', () => {
    expect(chatResultToAnthropicMessage(result, 'my-alias')).toEqual({
      id: 'msg_abc',
      type: 'message',
      role: 'assistant',
      model: 'my-alias',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_1', name: 'find', input: { q: 'x' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 30, output_tokens: 30, cache_read_input_tokens: 80, cache_creation_input_tokens: 10 },
    });
  });

  it('anthropicMessageToChatResult is its inverse for content, tools, stop reason and usage', () => {
    const msg = chatResultToAnthropicMessage(result, 'gpt-4o');
    const back = anthropicMessageToChatResult(msg, () => 1000);
    expect(back).toEqual({ ...result, id: 'msg_abc' });
  });

  it('handles thinking blocks, empty content and null usage fields', () => {
    const msg: AnthropicMessage = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'a' }, { type: 'text', text: 'b' }],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 2, cache_read_input_tokens: null, cache_creation_input_tokens: null },
    };
    const r = anthropicMessageToChatResult(msg);
    expect(r.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: 'ab' }, finish_reason: 'length' });
    expect(r.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
    expect(anthropicMessageToChatResult({ ...msg, content: [] }).choices[0]!.message.content).toBe('');
  });

  it('keeps unparsable tool arguments instead of dropping them', () => {
    const bad: ChatResult = { ...result, choices: [{ ...result.choices[0]!, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"q":' } }] } }] };
    expect(chatResultToAnthropicMessage(bad, 'm').content).toEqual([{ type: 'tool_use', id: 'c', name: 'f', input: { _raw_arguments: '{"q":' } }]);
  });
});

describe('stop reasons and usage', () => {
  it('maps stop reasons both ways', () => {
    expect(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal', 'pause_turn'].map(finishReasonFromAnthropic)).toEqual(['stop', 'length', 'stop', 'tool_calls', 'content_filter', 'stop']);
    expect((['stop', 'length', 'tool_calls', 'content_filter'] as const).map((r) => stopReasonToAnthropic(r))).toEqual(['end_turn', 'max_tokens', 'tool_use', 'refusal']);
    expect(stopReasonToAnthropic('stop', '###')).toBe('stop_sequence');
  });

  it('counts cache reads and writes inside prompt_tokens', () => {
    const u = usageFromAnthropic({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90, cache_creation_input_tokens: 3 });
    expect(u).toEqual({ prompt_tokens: 103, completion_tokens: 5, total_tokens: 108, cached_tokens: 90, cache_write_tokens: 3 });
    expect(usageToAnthropic(u)).toEqual({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90, cache_creation_input_tokens: 3 });
  });
});

describe('errors', () => {
  it('builds the Anthropic error body', () => {
    expect(anthropicErrorBody('not_found_error', 'model: x')).toEqual({ type: 'error', error: { type: 'not_found_error', message: 'model: x' } });
  });

  it('maps daca codes and bare statuses to Anthropic error types', () => {
    const codes: [string, number, string][] = [
      ['invalid_request', 400, 'invalid_request_error'],
      ['content_blocked', 400, 'invalid_request_error'],
      ['invalid_api_key', 401, 'authentication_error'],
      ['forbidden', 403, 'permission_error'],
      ['approval_required', 403, 'permission_error'],
      ['model_not_found', 404, 'not_found_error'],
      ['request_too_large', 413, 'request_too_large'],
      ['budget_exceeded', 402, 'billing_error'],
      ['rate_limit_exceeded', 429, 'rate_limit_error'],
      ['upstream_error', 502, 'api_error'],
      ['upstream_unavailable', 503, 'overloaded_error'],
      ['internal_error', 500, 'api_error'],
    ];
    for (const [code, status, type] of codes) expect(anthropicErrorType(status, code), code).toBe(type);
    expect(anthropicErrorType(429)).toBe('rate_limit_error');
    expect(anthropicErrorType(413, 'something_new')).toBe('request_too_large');
    expect(anthropicErrorType(529)).toBe('overloaded_error');
    expect(anthropicErrorType(500)).toBe('api_error');
  });
});
