import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../errors.js';
import type { ChatRequest } from '../../providers/types.js';
import { chatRequestToAnthropic } from './from-chat-request.js';

const d = { maxTokens: 1024 };

describe('chatRequestToAnthropic', () => {
  it('hoists system and developer messages and defaults max_tokens', () => {
    const r = chatRequestToAnthropic(
      {
        model: 'claude-x',
        messages: [
          { role: 'system', content: 'A' },
          { role: 'developer', content: [{ type: 'text', text: 'B' }] },
          { role: 'user', content: 'hi' },
        ],
      },
      d,
    );
    expect(r).toEqual({ model: 'claude-x', max_tokens: 1024, system: 'A\n\nB', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('keeps cache_control system blocks as blocks', () => {
    const r = chatRequestToAnthropic({ model: 'm', messages: [{ role: 'system', content: [{ type: 'text', text: 'ctx', cache_control: { type: 'ephemeral' } }] }, { role: 'user', content: 'q' }] }, d);
    expect(r.system).toEqual([{ type: 'text', text: 'ctx', cache_control: { type: 'ephemeral' } }]);
  });

  it('merges consecutive same-role turns, tool results first', () => {
    const r = chatRequestToAnthropic(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
          { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }, { id: 'c2', type: 'function', function: { name: 'g', arguments: 'not json' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'r1' },
          { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'r2' }] },
          { role: 'user', content: 'next' },
        ],
      },
      d,
    );
    expect(r.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'c1', name: 'f', input: { x: 1 } },
          { type: 'tool_use', id: 'c2', name: 'g', input: { _raw_arguments: 'not json' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'r1' },
          { type: 'tool_result', tool_use_id: 'c2', content: [{ type: 'text', text: 'r2' }] },
          { type: 'text', text: 'next' },
        ],
      },
    ]);
  });

  it('converts image data URLs, image URLs and PDF file parts', () => {
    const r = chatRequestToAnthropic(
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklG', detail: 'high' } },
              { type: 'image_url', image_url: { url: 'https://x.test/p.png' } },
              { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
            ],
          },
        ],
      },
      d,
    );
    expect(r.messages[0]!.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklG' } },
      { type: 'image', source: { type: 'url', url: 'https://x.test/p.png' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' }, title: 'a.pdf' },
    ]);
  });

  it('maps tools, tool_choice and parallel_tool_calls', () => {
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f' } }] };
    const r = chatRequestToAnthropic({ ...base, tool_choice: { type: 'function', function: { name: 'f' } }, extra: { parallel_tool_calls: false } }, d);
    expect(r.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
    expect(r.tool_choice).toEqual({ type: 'tool', name: 'f', disable_parallel_tool_use: true });
    expect(chatRequestToAnthropic({ ...base, extra: { parallel_tool_calls: false } }, d).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(chatRequestToAnthropic({ ...base, tool_choice: 'none' }, d).tool_choice).toEqual({ type: 'none' });
    expect(chatRequestToAnthropic({ ...base, tool_choice: 'auto' }, d).tool_choice).toEqual({ type: 'auto' });
    expect(chatRequestToAnthropic(base, d).tool_choice).toBeUndefined();
  });

  it('turns response_format JSON into a system instruction', () => {
    const obj = chatRequestToAnthropic({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }, d);
    expect(obj.system).toContain('valid JSON object');
    const schema = chatRequestToAnthropic(
      { model: 'm', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', required: ['a'] } } } },
      d,
    );
    expect(schema.system).toMatch(/^S\n\nRespond only with a single JSON object that conforms/);
    expect(schema.system).toContain('{"type":"object","required":["a"]}');
    expect(chatRequestToAnthropic({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'text' } }, d).system).toBeUndefined();
  });

  it('clamps temperature, maps stop and user, forwards only Anthropic-meaningful extras', () => {
    const r = chatRequestToAnthropic(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 1.7, stop: '\n\n', user: 'u1', seed: 4, extra: { top_k: 2, logprobs: true, presence_penalty: 1, max_completion_tokens: 99 } },
      d,
    );
    expect(r).toEqual({ model: 'm', max_tokens: 99, messages: [{ role: 'user', content: 'x' }], temperature: 1, stop_sequences: ['\n\n'], metadata: { user_id: 'u1' }, top_k: 2 });
  });

  it('drops empty text and rejects n > 1', () => {
    const r = chatRequestToAnthropic({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'y' }] }] }, d);
    expect(r.messages[0]!.content).toEqual([{ type: 'text', text: 'y' }]);
    expect(() => chatRequestToAnthropic({ model: 'm', messages: [], n: 2 }, d)).toThrow(InvalidRequestError);
  });
});
