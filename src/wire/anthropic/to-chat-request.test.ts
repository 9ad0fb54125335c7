import { describe, expect, it } from 'vitest';
import { parseAnthropicMessagesRequest } from './request-schema.js';
import { anthropicToChatRequest } from './to-chat-request.js';
import { chatRequestToAnthropic } from './from-chat-request.js';

const t = (body: unknown) => anthropicToChatRequest(parseAnthropicMessagesRequest(body));

describe('anthropicToChatRequest', () => {
  it('maps the scalar fields and keeps the caller model', () => {
    const r = t({
      model: 'my-alias',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.8,
      top_k: 7,
      stream: true,
      metadata: { user_id: 'u-9' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    expect(r).toEqual({
      model: 'my-alias',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.8,
      user: 'u-9',
      extra: { top_k: 7, thinking: { type: 'enabled', budget_tokens: 2048 } },
    });
  });

  it('turns system strings and cached system blocks into a system message', () => {
    expect(t({ model: 'm', max_tokens: 1, system: 'be nice', messages: [{ role: 'user', content: 'x' }] }).messages[0]).toEqual({ role: 'system', content: 'be nice' });
    const blocks = t({
      model: 'm',
      max_tokens: 1,
      system: [{ type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'rules' }],
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(blocks.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'rules' }] });
  });

  it('maps images (base64 and url) and documents', () => {
    const r = t({
      model: 'm',
      max_tokens: 1,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { type: 'url', url: 'https://x.test/a.jpg' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, title: 'spec.pdf' },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' } },
          ],
        },
      ],
    });
    expect(r.messages[0]!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
      { type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } },
      { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBER' } },
      { type: 'text', text: 'plain doc' },
    ]);
  });

  it('maps assistant tool_use to tool_calls and tool_result blocks to tool messages placed first', () => {
    const r = t({
      model: 'm',
      max_tokens: 1,
      tools: [{ name: 'calc', description: 'adds', input_schema: { type: 'object', properties: { a: { type: 'number' } } } }],
      tool_choice: { type: 'tool', name: 'calc', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'add' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Calling.' },
            { type: 'tool_use', id: 'toolu_a', name: 'calc', input: { a: 1 } },
            { type: 'tool_use', id: 'toolu_b', name: 'calc', input: { a: 2 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: '1' },
            { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: 'boom' }], is_error: true },
            { type: 'text', text: 'and now?' },
          ],
        },
      ],
    });
    expect(r.tools).toEqual([{ type: 'function', function: { name: 'calc', description: 'adds', parameters: { type: 'object', properties: { a: { type: 'number' } } } } }]);
    expect(r.tool_choice).toEqual({ type: 'function', function: { name: 'calc' } });
    expect(r.extra).toEqual({ parallel_tool_calls: false });
    expect(r.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Calling.',
        tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'calc', arguments: '{"a":1}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'calc', arguments: '{"a":2}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_a', content: '1' },
      { role: 'tool', tool_call_id: 'toolu_b', content: 'Error: boom' },
      { role: 'user', content: 'and now?' },
    ]);
  });

  it('maps tool_choice auto/any/none and an assistant turn with only tool calls', () => {
    const base = { model: 'm', max_tokens: 1, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'x', name: 'f', input: {} }] }] };
    expect(t({ ...base, tool_choice: { type: 'auto' } }).tool_choice).toBe('auto');
    expect(t({ ...base, tool_choice: { type: 'any' } }).tool_choice).toBe('required');
    expect(t({ ...base, tool_choice: { type: 'none' } }).tool_choice).toBe('none');
    expect(t(base).messages[0]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{}' } }] });
  });

  it('keeps cache_control on text blocks and thinking blocks as parts', () => {
    const r = t({
      model: 'm',
      max_tokens: 1,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'big doc', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'ok' }] },
      ],
    });
    expect(r.messages[0]!.content).toEqual([{ type: 'text', text: 'big doc', cache_control: { type: 'ephemeral' } }]);
    expect(r.messages[1]!.content).toEqual([{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'ok' }]);
  });

  it('round-trips through chatRequestToAnthropic back to an equivalent Anthropic request', () => {
    const original = {
      model: 'claude-x',
      max_tokens: 300,
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'look', cache_control: { type: 'ephemeral' } }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'text', text: 'calling' }, { type: 'tool_use', id: 'toolu_1', name: 'f', input: { x: [1, 2] } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }, { type: 'text', text: 'thanks' }] },
      ],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['###'],
      temperature: 0.1,
      top_k: 3,
      metadata: { user_id: 'u' },
      thinking: { type: 'enabled', budget_tokens: 1024 },
    };
    const back = chatRequestToAnthropic(t(original), { maxTokens: 1 });
    expect(back).toEqual(original);
  });
});
